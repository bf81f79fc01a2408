/**
 * Name tables for the synthetic population: surnames weighted towards those
 * common among 梅州's Hakka families, given-name characters by sex, and
 * enterprise trade names.
 */

export const SURNAMES = [
  '李', '张', '陈', '黄', '刘', '钟', '古', '丘', '曾', '罗', '杨', '叶', '林', '温', '廖',
  '朱', '侯', '谢', '何', '王', '吴', '邱', '房', '赖', '梁', '巫', '饶', '潘', '熊', '宋',
] as const;

export const GIVEN_MALE = [
  '伟', '强', '志', '明', '俊', '浩', '文', '杰', '建', '华', '国', '辉', '勇', '军', '宏',
  '嘉', '子', '宇', '锦', '荣', '振', '新', '达', '海', '斌', '涛', '鹏', '晨', '梓', '轩',
] as const;

export const GIVEN_FEMALE = [
  '芳', '敏', '丽', '静', '秀', '燕', '玲', '婷', '娟', '慧', '雪', '梅', '琳', '欣', '怡',
  '嘉', '紫', '诗', '雨', '佳', '悦', '思', '桂', '美', '春', '晓', '月', '蓉', '艳', '颖',
] as const;

/** Trade names (字号) for enterprises. */
export const TRADE_NAMES = [
  '嘉润', '客都', '华丰', '雁洋', '程江', '梅江', '宪梓', '丰源', '恒昌', '金柚', '围龙', '鸿运',
  '盛世', '新锐', '裕隆', '振兴', '兴达', '粤东', '汇通', '锦华', '天成', '广源', '顺发', '嘉应',
  '泰和', '永丰', '康宁', '德信', '合众', '东升', '明珠', '旺客', '长青', '百家', '众联', '万和',
] as const;

/** Ethnic groups with weights (汉族 dominates; 畲族 lives in 梅州). */
export const ETHNICITIES: readonly (readonly [string, number])[] = [['汉族', 96], ['畲族', 2], ['壮族', 1], ['瑶族', 1]];
