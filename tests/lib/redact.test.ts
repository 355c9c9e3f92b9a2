import { describe, expect, it } from 'vitest';
import { redactForReport } from '../../pipeline/lib/redact.js';
import { findPII } from '../../pipeline/lib/pii.js';
import { NAME_ROLES } from '../../pipeline/rules/boilerplate.js';
import { META_KEYS, PERSON_KEYS } from '../../pipeline/rules/metadata.js';

// Made-up names and numbers only.
describe('redactForReport: personal data masked, names after person keys redacted', () => {
  it.each([
    ['作者：张三丰 联系电话13912345678', '作者：<NAME> 联系电话<PHONE>'],
    ['（责编：王某某；校对：李某）', '（责编：<NAME>；校对：<NAME>）'],
    ['供稿：赵某某 单位：某某县委宣传部', '供稿：<NAME> 单位：某某县委宣传部'],
    ['主持人：钱某 记者：孙某某', '主持人：<NAME> 记者：<NAME>'],
    ['终审：周某 监制：吴某', '终审：<NAME> 监制：<NAME>'],
    ['联系人：郑某，邮箱zheng@example.com', '联系人：<NAME>，邮箱<EMAIL>'],
    ['作者：王某13912345678', '作者：<NAME>'],
    ['来源：某某学习网', '来源：某某学习网'],
  ])('%s → %s', (input, want) => {
    expect(redactForReport(input)).toBe(want);
  });
  it('leaves no name and no number (review finding 3)', () => {
    const out = redactForReport('作者：张三丰 联系电话13912345678');
    expect(out).not.toContain('张三丰');
    expect(out).not.toMatch(/\d/);
    expect(findPII(out)).toEqual([]);
  });
  it.each([
    [5, '作者：张三', '作者：<N'],
    [3, '𠀀𠀁𠀂𠀃', '𠀀𠀁𠀂'],
    [120, '甲'.repeat(200), '甲'.repeat(120)],
  ])('cuts to %i code points', (max, input, want) => {
    expect(redactForReport(input, max)).toBe(want);
  });
  it('masks before cutting, so a number at the cut is never partly shown', () => {
    expect(redactForReport('请拨打13912345678', 8)).toBe('请拨打<PHON');
  });
});

describe('one list of person keys', () => {
  it('NAME_ROLES redacts after every person key of metadata lines, and META_KEYS has them all', () => {
    for (const [k] of PERSON_KEYS) {
      expect(`${k}：某人`.replace(NAME_ROLES, '$1<NAME>')).toBe(`${k}：<NAME>`);
      expect(META_KEYS.find(([m]) => m === k)?.[1].field).toBe('person');
    }
    expect(META_KEYS.filter(([, m]) => m.field === 'person').map(([k]) => k).sort()).toEqual(PERSON_KEYS.map(([k]) => k).sort());
  });
});

describe('names listed after a credit key (issue 21)', () => {
  it('a list joined by 、 goes whole: （责编：张某、丁某某）', () => {
    expect(redactForReport('（责编：张某、丁某某）')).toBe('（责编：<NAME>）');
    expect(redactForReport('责任编辑：王某 、 李某某；校对：赵某')).toBe('责任编辑：<NAME>；校对：<NAME>');
  });
});
