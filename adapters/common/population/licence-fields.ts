/**
 * Surface fields (照面项) of each licence type, keyed the way provincial
 * libraries key them: upper-case pinyin initials (`XM` 姓名, `GMSFHM`
 * 公民身份号码), with the Chinese label printed on the licence. Dates are
 * `YYYY-MM-DD`; an open-ended validity is `长期`. The simulator serves these
 * through getCertRemarkInfo and builds every licence's surface from them.
 */
import type { LicenceFieldDefinition, LicenceTypeKey } from '../../../src/domain/licence-library.js';

type Field = LicenceFieldDefinition;
const s = (key: string, label: string, required = true): Field => ({ key, label, type: 'string', required });
const d = (key: string, label: string, required = true): Field => ({ key, label, type: 'date', required });
const n = (key: string, label: string, required = true): Field => ({ key, label, type: 'number', required });

export const LICENCE_FIELDS: Readonly<Record<LicenceTypeKey, readonly Field[]>> = {
  residentIdCard: [
    s('XM', '姓名'), s('XB', '性别'), s('MZ', '民族'), d('CSRQ', '出生日期'), s('ZZ', '住址'),
    s('GMSFHM', '公民身份号码'), s('QFJG', '签发机关'), d('YXQQSRQ', '有效期起始日期'), s('YXQJZRQ', '有效期截止日期'),
  ],
  householdRegister: [
    s('HH', '户号'), s('HZXM', '户主姓名'), s('YHZGX', '与户主关系'), s('XM', '姓名'), s('XB', '性别'), s('MZ', '民族'),
    d('CSRQ', '出生日期'), s('CSD', '出生地'), s('JG', '籍贯'), s('GMSFHM', '公民身份号码'), s('ZZ', '住址'),
    s('HKLX', '户别'), d('DJRQ', '登记日期'), s('CBJG', '承办机关'), s('WHCD', '文化程度', false), s('HYZK', '婚姻状况'),
  ],
  drivingLicence: [
    s('ZH', '证号'), s('XM', '姓名'), s('XB', '性别'), s('GJ', '国籍'), s('ZZ', '住址'), d('CSRQ', '出生日期'),
    d('CCLZRQ', '初次领证日期'), s('ZJCX', '准驾车型'), d('YXQQ', '有效期起始日期'), s('YXQZ', '有效期限'), s('DABH', '档案编号'),
    s('FZJG', '发证机关'),
  ],
  vehicleLicence: [
    s('HPHM', '号牌号码'), s('CLLX', '车辆类型'), s('SYR', '所有人'), s('ZZ', '住址'), s('SYXZ', '使用性质'),
    s('PPXH', '品牌型号'), s('CLSBDH', '车辆识别代号'), s('FDJHM', '发动机号码'), d('ZCRQ', '注册日期'), d('FZRQ', '发证日期'),
    s('FZJG', '发证机关'),
  ],
  marriageCertificate: [
    s('CZR', '持证人'), d('DJRQ', '登记日期'), s('JHZZH', '结婚证字号'), s('NFXM', '男方姓名'), s('NFGJ', '男方国籍'),
    s('NFSFZJHM', '男方身份证件号'), d('NFCSRQ', '男方出生日期'), s('NVFXM', '女方姓名'), s('NVFGJ', '女方国籍'),
    s('NVFSFZJHM', '女方身份证件号'), d('NVFCSRQ', '女方出生日期'), s('DJJG', '登记机关'),
  ],
  birthCertificate: [
    s('CSYXZMBH', '出生医学证明编号'), s('XSEXM', '新生儿姓名'), s('XB', '性别'), d('CSRQ', '出生日期'), s('CSSJ', '出生时间'),
    s('CSDD', '出生地点'), n('CSYZ', '出生孕周'), n('CSTZ', '出生体重（克）'), n('CSSC', '出生身长（厘米）'),
    s('MQXM', '母亲姓名'), n('MQNL', '母亲年龄'), s('MQGJ', '母亲国籍'), s('MQMZ', '母亲民族'), s('MQSFZJHM', '母亲有效身份证件号码'),
    s('FQXM', '父亲姓名'), n('FQNL', '父亲年龄'), s('FQGJ', '父亲国籍'), s('FQMZ', '父亲民族'), s('FQSFZJHM', '父亲有效身份证件号码'),
    s('JSJGMC', '接生机构名称'), d('QFRQ', '签发日期'),
  ],
  physicianLicence: [
    s('ZSBM', '证书编码'), s('XM', '姓名'), s('XB', '性别'), d('CSRQ', '出生日期'), s('GMSFHM', '身份证件号'),
    s('YSJB', '医师级别'), s('ZYLB', '执业类别'), s('ZYFW', '执业范围'), s('ZYDD', '执业地点'), s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  businessLicence: [
    s('TYSHXYDM', '统一社会信用代码'), s('MC', '名称'), s('LX', '类型'), s('FDDBR', '法定代表人'), s('ZCZB', '注册资本', false),
    d('CLRQ', '成立日期'), s('YYQX', '营业期限'), s('ZS', '住所'), s('JYFW', '经营范围'), s('DJJG', '登记机关'), d('FZRQ', '发照日期'),
  ],
  foodBusinessLicence: [
    s('XKZBH', '许可证编号'), s('JYZMC', '经营者名称'), s('SHXYDM', '社会信用代码（身份证号码）'), s('FDDBR', '法定代表人（负责人）'),
    s('ZS', '住所'), s('JYCS', '经营场所'), s('ZTYT', '主体业态'), s('JYXM', '经营项目'), s('RCJDGLJG', '日常监督管理机构'),
    s('FZJG', '发证机关'), d('QFRQ', '签发日期'), d('YXQZ', '有效期至'),
  ],
  socialSecurityCard: [
    s('XM', '姓名'), s('XB', '性别'), s('SHBZHM', '社会保障号码'), s('KH', '卡号'), d('FKRQ', '发卡日期'), s('YXQZ', '有效期至'),
    s('CBZT', '参保状态'), d('CBRQ', '参保日期', false), d('TXRQ', '退休日期', false), s('FKJG', '发卡机构'), s('KHYH', '开户银行'), s('YHZH', '银行账号'),
  ],
  employmentCertificate: [
    s('ZH', '证号'), s('XM', '姓名'), s('XB', '性别'), s('GMSFHM', '公民身份号码'), s('HJDZ', '户籍地址'), s('JYZT', '就业状态'),
    d('DJRQ', '登记日期'), s('FZJG', '发证机构'),
  ],
  realEstateCertificate: [
    s('BDCQZH', '不动产权证号'), s('QLR', '权利人'), s('GYQK', '共有情况'), s('ZL', '坐落'), s('BDCDYH', '不动产单元号'),
    s('QLLX', '权利类型'), s('QLXZ', '权利性质'), s('YT', '用途'), s('MJ', '面积'), s('SYQX', '使用期限'), d('DJRQ', '登记日期'),
    s('DJJG', '登记机构'),
  ],
  disabilityCertificate: [
    s('CJRZH', '残疾人证号'), s('XM', '姓名'), s('XB', '性别'), s('GMSFHM', '公民身份号码'), s('CJLB', '残疾类别'), s('CJDJ', '残疾等级'),
    s('HJDZ', '户籍地址'), s('JHR', '监护人', false), d('FZRQ', '发证日期'), d('YXQZ', '有效期至'), s('FZJG', '发证机关'),
  ],
  roadTransportQualification: [
    s('CYZGZH', '从业资格证号'), s('XM', '姓名'), s('XB', '性别'), d('CSRQ', '出生日期'), s('GJ', '国籍'), s('ZZ', '住址'),
    s('ZJCX', '准驾车型'), s('CYZGLB', '从业资格类别'), d('CCLZRQ', '初次领证日期'), d('YXQZ', '有效期至'), s('FZJG', '发证机关'),
  ],
  // MX-T19, MX-T29, MX-T31, MX-T37, MX-T38 (issue #16)
  physicianQualification: [
    s('ZSBM', '证书编码'), s('XM', '姓名'), s('XB', '性别'), d('CSRQ', '出生日期'), s('GMSFHM', '身份证件号'),
    s('ZGJB', '资格级别'), s('LB', '类别'), s('BYXX', '毕业学校'), s('XL', '学历'), s('ZY', '专业'), s('QFJG', '签发机关'), d('QFRQ', '签发日期'),
  ],
  dischargeCertificate: [
    s('ZH', '证号'), s('XM', '姓名'), s('XB', '性别'), d('CSRQ', '出生日期'), s('GMSFHM', '公民身份号码'), s('JG', '籍贯'),
    d('RWSJ', '入伍时间'), s('BB', '部别'), s('ZWJX', '职务（军衔）'), d('TCXYSJ', '退出现役时间'), s('TYFS', '退役方式'), s('AZD', '安置地'),
    s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  privateSchoolLicence: [
    s('XKZBH', '许可证编号'), s('XXMC', '学校名称'), s('TYSHXYDM', '统一社会信用代码'), s('DZ', '地址'), s('JBZ', '举办者'),
    s('FDDBR', '法定代表人'), s('XZ', '校长'), s('BXLX', '办学类型'), s('BXNR', '办学内容'), d('YXQZ', '有效期至'),
    s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  socialOrganisationCertificate: [
    s('TYSHXYDM', '统一社会信用代码'), s('MC', '名称'), s('ZS', '住所'), s('FDDBR', '法定代表人'), s('YWFW', '业务范围'),
    s('HDDY', '活动地域'), s('ZCZJ', '注册资金'), s('YWZGDW', '业务主管单位'), s('YXQ', '有效期'), s('DJGLJG', '登记管理机关'), d('FZRQ', '发证日期'),
  ],
  // MX-T23 (issue #16): the 居民死亡医学证明（推断）书 (国卫规划发〔2013〕57号), its 第四联 as the family receives it.
  deathCertificate: [
    s('BH', '编号'), s('XM', '死者姓名'), s('XB', '性别'), s('MZ', '民族'), s('GJ', '国家或地区'), s('ZJLX', '有效身份证件类别'),
    s('ZJHM', '证件号码'), d('CSRQ', '出生日期'), d('SWRQ', '死亡日期'), s('SWDD', '死亡地点'), s('HJDZ', '常住户籍地址'),
    s('YLJGMC', '医疗卫生机构名称'), d('QFRQ', '签发日期'),
  ],
  // MX-T39 (issue #16): 中华人民共和国特种设备生产许可证 (TSG 07-2019), the 安装改造修理 kind.
  specialEquipmentProductionLicence: [
    s('ZSBH', '证书编号'), s('DWMC', '单位名称'), s('TYSHXYDM', '统一社会信用代码'), s('ZS', '住所'), s('XKXM', '许可项目'),
    s('XKZXM', '许可子项目'), s('XKCS', '许可参数', false), d('YXQZ', '有效期至'), s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  // MX-T36 (issue #16): 水生野生动物人工繁育许可证 (水生野生动物利用特许办法).
  aquaticWildlifeBreedingLicence: [
    s('XKZBH', '许可证编号'), s('DWMC', '单位名称'), s('TYSHXYDM', '统一社会信用代码'), s('FDDBR', '法定代表人'), s('ZS', '住所'),
    s('FYCS', '繁育场所'), s('WZMC', '物种名称'), s('YT', '用途'), d('YXQZ', '有效期至'), s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  // MX-T14 (issue #16): the 劳务派遣经营许可证 (劳务派遣行政许可实施办法, 人社部令第19号): three years' validity.
  labourDispatchLicence: [
    s('XKZBH', '许可证编号'), s('DWMC', '单位名称'), s('TYSHXYDM', '统一社会信用代码'), s('FDDBR', '法定代表人'), s('ZS', '住所'),
    s('ZCZB', '注册资本'), s('XKJYSX', '许可经营事项'), d('YXQQ', '有效期起始日期'), d('YXQZ', '有效期至'), s('FZJG', '发证机关'), d('FZRQ', '发证日期'),
  ],
  // MX-T22 (issue #16): the 车辆购置税完税证明 (电子版): the buyer, the vehicle as its invoice and 合格证 describe it, the tax paid or exempted.
  vehiclePurchaseTaxCertificate: [
    s('ZMBH', '证明编号'), s('NSRMC', '纳税人名称'), s('NSRSBH', '纳税人识别号'), s('CLSBDH', '车辆识别代号（车架号）'), s('FDJH', '发动机号'),
    s('CPXH', '厂牌型号'), s('CLLX', '车辆类型'), s('WSPZHM', '完税凭证号码'), s('ZSQK', '征免情况'), s('ZSJG', '征收机关'), d('TFRQ', '填发日期'),
  ],
};
