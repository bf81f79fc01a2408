/**
 * Issuing authorities (发证机构) of the synthetic licences. Credit codes are
 * well-formed (GB 32100 check characters hold) but invented *(unverified)*;
 * `department` links an issuer to Tongban's department registry
 * (mappings/departments.json) where one exists.
 */

export interface IssuingAuthority {
  /** Stable key used by the simulator for the issuer's signing certificate. */
  readonly key: string;
  readonly name: string;
  readonly creditCode: string;
  /** GB/T 2260 code of the area the issuer serves. */
  readonly areaCode: string;
  /** Department code in mappings/departments.json, when the issuer is one of Tongban's departments. */
  readonly department?: string;
}

export const ISSUERS = {
  meixianPolice: { key: 'meixianPolice', name: '梅州市公安局梅县分局', creditCode: '11441403007012346W', areaCode: '441403', department: 'gaj' },
  meijiangPolice: { key: 'meijiangPolice', name: '梅州市公安局梅江分局', creditCode: '11441402007011896Q', areaCode: '441402', department: 'gaj' },
  trafficPolice: { key: 'trafficPolice', name: '梅州市公安局交通警察支队', creditCode: '1144140000705612X7', areaCode: '441400', department: 'gaj' },
  meixianCivilAffairs: { key: 'meixianCivilAffairs', name: '梅州市梅县区民政和人力资源社会保障局', creditCode: '114414030070335850', areaCode: '441403', department: 'mzrsj' },
  meijiangCivilAffairs: { key: 'meijiangCivilAffairs', name: '梅州市梅江区民政局', creditCode: '1144140200700918X9', areaCode: '441402' },
  cityHumanResources: { key: 'cityHumanResources', name: '梅州市人力资源和社会保障局', creditCode: '114414000070614202', areaCode: '441400' },
  meixianHospital: { key: 'meixianHospital', name: '梅州市梅县区人民医院', creditCode: '124414034560871242', areaCode: '441403', department: 'wjj' },
  cityHospital: { key: 'cityHospital', name: '梅州市人民医院', creditCode: '12441400456002135Q', areaCode: '441400', department: 'wjj' },
  meixianMarket: { key: 'meixianMarket', name: '梅州市梅县区市场监督管理局', creditCode: '11441403MB2C041535', areaCode: '441403', department: 'scjgj' },
  meixianNaturalResources: { key: 'meixianNaturalResources', name: '梅州市梅县区自然资源局', creditCode: '11441403MB2C038209', areaCode: '441403', department: 'zrzyj' },
  meijiangNaturalResources: { key: 'meijiangNaturalResources', name: '梅州市梅江区自然资源局', creditCode: '11441402MB2C11273G', areaCode: '441402', department: 'zrzyj' },
  meixianDisabledFederation: { key: 'meixianDisabledFederation', name: '梅州市梅县区残疾人联合会', creditCode: '134414030070281536', areaCode: '441403', department: 'cl' },
  cityTransport: { key: 'cityTransport', name: '梅州市交通运输局', creditCode: '11441400007063477B', areaCode: '441400', department: 'jtysj' },
  meixianHealth: { key: 'meixianHealth', name: '梅州市梅县区卫生健康局', creditCode: '11441403MB2C03919R', areaCode: '441403', department: 'wjj' },
  provincialHealth: { key: 'provincialHealth', name: '广东省卫生健康委员会', creditCode: '1144000024442693X4', areaCode: '440000' },
  meixianVeterans: { key: 'meixianVeterans', name: '梅州市梅县区退役军人事务局', creditCode: '11441403530000032U', areaCode: '441403', department: 'tyjrswj' },
  meixianEducation: { key: 'meixianEducation', name: '梅州市梅县区教育局', creditCode: '11441403445314600N', areaCode: '441403', department: 'jyj' },
  // MX-T36, MX-T39 (issue #16): the provincial bodies that issue 特种设备安装改造修理 and 国家二级 breeding licences.
  provincialMarket: { key: 'provincialMarket', name: '广东省市场监督管理局', creditCode: '11440000MB2C0621X9', areaCode: '440000' },
  provincialAgriculture: { key: 'provincialAgriculture', name: '广东省农业农村厅', creditCode: '114400000069395485', areaCode: '440000' },
  // MX-T22 (issue #16): collects the 车辆购置税 and issues its 完税证明.
  meixianTax: { key: 'meixianTax', name: '国家税务总局梅州市梅县区税务局', creditCode: '11441403MB2C0452X9', areaCode: '441403', department: 'swj' },
} as const satisfies Record<string, IssuingAuthority>;

export type IssuerKey = keyof typeof ISSUERS;

export const ALL_ISSUERS: readonly IssuingAuthority[] = Object.values(ISSUERS);
