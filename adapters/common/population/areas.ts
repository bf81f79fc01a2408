/**
 * Real GB/T 2260 county-level codes used by the synthetic population: most
 * residents are from 梅州 (the catalogue's 梅县区), some from elsewhere in
 * 广东 and a few from other provinces. `441421` 梅县 was replaced by `441403`
 * 梅县区 in 2013; residents registered before then still carry it in their ID number.
 */

export interface County {
  readonly code: string;
  /** Full name as printed on licences, e.g. `广东省梅州市梅县区`. */
  readonly fullName: string;
  /** Streets, towns or roads for addresses in this county. */
  readonly places: readonly string[];
  /** The code was withdrawn in this year (only used in ID numbers issued before). */
  readonly withdrawnIn?: number;
}

export const COUNTIES = {
  meixianDistrict: { code: '441403', fullName: '广东省梅州市梅县区', places: ['新城办事处华侨城', '程江镇', '扶大镇', '畲江镇', '丙村镇', '雁洋镇', '松口镇', '石扇镇', '新城办事处宪梓大道', '程江镇锭子桥'] },
  meixianCounty: { code: '441421', fullName: '广东省梅州市梅县', places: ['程江镇', '城东镇', '南口镇'], withdrawnIn: 2013 },
  meijiangDistrict: { code: '441402', fullName: '广东省梅州市梅江区', places: ['江南街道彬芳大道', '金山街道梅江二路', '西郊街道', '城北镇'] },
  xingning: { code: '441481', fullName: '广东省兴宁市', places: ['兴田街道', '福兴街道', '宁新街道'] },
  wuhua: { code: '441424', fullName: '广东省梅州市五华县', places: ['水寨镇', '华城镇'] },
  dabu: { code: '441422', fullName: '广东省梅州市大埔县', places: ['湖寮镇', '茶阳镇'] },
  jiaoling: { code: '441427', fullName: '广东省梅州市蕉岭县', places: ['蕉城镇'] },
  pingyuan: { code: '441426', fullName: '广东省梅州市平远县', places: ['大柘镇'] },
  fengshun: { code: '441423', fullName: '广东省梅州市丰顺县', places: ['汤坑镇'] },
  tianhe: { code: '440106', fullName: '广东省广州市天河区', places: ['天河路', '体育西路', '林和西路'] },
  yuexiu: { code: '440104', fullName: '广东省广州市越秀区', places: ['东风中路', '北京路'] },
  futian: { code: '440304', fullName: '广东省深圳市福田区', places: ['福华路', '深南大道'] },
  huicheng: { code: '441302', fullName: '广东省惠州市惠城区', places: ['河南岸街道'] },
  ganzhou: { code: '360702', fullName: '江西省赣州市章贡区', places: ['红旗大道'] },
  longyan: { code: '350802', fullName: '福建省龙岩市新罗区', places: ['龙岩大道'] },
  yuelu: { code: '430104', fullName: '湖南省长沙市岳麓区', places: ['麓山南路'] },
  wuhou: { code: '510107', fullName: '四川省成都市武侯区', places: ['人民南路四段'] },
} as const satisfies Record<string, County>;

/** Counties people are born in, with weights (most are local). */
export const BIRTH_COUNTIES: readonly (readonly [County, number])[] = [
  [COUNTIES.meixianDistrict, 40], [COUNTIES.meijiangDistrict, 14], [COUNTIES.xingning, 6], [COUNTIES.wuhua, 5],
  [COUNTIES.dabu, 4], [COUNTIES.jiaoling, 3], [COUNTIES.pingyuan, 2], [COUNTIES.fengshun, 2],
  [COUNTIES.tianhe, 3], [COUNTIES.yuexiu, 2], [COUNTIES.futian, 2], [COUNTIES.huicheng, 2],
  [COUNTIES.ganzhou, 2], [COUNTIES.longyan, 2], [COUNTIES.yuelu, 1], [COUNTIES.wuhou, 1],
];

/** Counties households live in (the licence library serves 梅州). */
export const RESIDENCE_COUNTIES: readonly (readonly [County, number])[] = [
  [COUNTIES.meixianDistrict, 8], [COUNTIES.meijiangDistrict, 2],
];

/** The county code an ID number issued to someone born in `year` in `county` carries. */
export function idAreaCode(county: County, year: number): string {
  if (county.code === COUNTIES.meixianDistrict.code && year < 2013) return COUNTIES.meixianCounty.code;
  return county.code;
}
