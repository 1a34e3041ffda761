import { expect } from 'chai';
import { toCsv } from '../../adapters/http/csv.js';

describe('HTTP CSV exports: toCsv', () => {
  it('quotes what needs quoting and keeps a person-typed formula from running in a spreadsheet', () => {
    const out = toCsv(
      [
        ['Roses, "red"', 12.5, -3],
        ['=HYPERLINK("http://evil.example","x")', 1, 0],
        ['+1+1', 0, 0],
        ['-2+3', 0, 0],
        ['@SUM(A1)', 0, 0],
        ['\tTabbed', 0, 0],
      ],
      ['key', 'revenue', 'delta'],
    );
    expect(out.trim().split('\n')).to.deep.equal([
      'key,revenue,delta',
      '"Roses, ""red""",12.5,-3',
      `"'=HYPERLINK(""http://evil.example"",""x"")",1,0`,
      "'+1+1,0,0",
      "'-2+3,0,0",
      "'@SUM(A1),0,0",
      "'\tTabbed,0,0",
    ]);
  });

  it('takes rows as objects too, in the columns given', () => {
    expect(toCsv([{ b: 2, a: '=1' }], ['a', 'b'])).to.equal("a,b\n'=1,2\n");
  });
});
