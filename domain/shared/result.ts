// The one place the domain touches a library: Result values for every expected failure.
export { Ok, Err, type Result } from 'ts-results-es';
