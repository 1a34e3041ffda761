// Loaded by mocha before any test (see .mocharc.json).
process.env.NODE_ENV = process.env.NODE_ENV ?? 'test';
