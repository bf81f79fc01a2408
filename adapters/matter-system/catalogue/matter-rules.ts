/**
 * Hand-written domain knowledge that turns a matter name into the synthetic
 * attributes the seed table does not give: GB/T 39554.1 matter type, time
 * limits, materials and the department's form fields. Keyword tables, read
 * top to bottom; the first match wins and every table has an explicit default.
 */
import type { MatterType } from '../../../src/domain/matter-catalog.js';
import type { FieldCode, MaterialName } from './vocabulary.js';

/**
 * Matter type by keyword in the matter name, first match wins. `查询` comes
 * first because `不动产登记资料查询` is a public service, not a registration.
 */
export const MATTER_TYPE_RULES: readonly { readonly type: MatterType; readonly keywords: readonly string[] }[] = [
  { type: '20', keywords: ['查询'] },
  { type: '07', keywords: ['登记', '备案', '确认', '认定'] },
  { type: '01', keywords: ['许可', '审批', '核发', '证书', '核准', '驾驶证'] },
  // 申领 alone is not money (社会保障卡申领, 《就业创业证》申领): only these words are.
  { type: '05', keywords: ['补贴', '津贴', '待遇', '给付', '补助', '养老金', '支付', '支取'] },
];
export const DEFAULT_MATTER_TYPE: MatterType = '20';

/** Statutory time limits (working days) a matter of each type may have; one is picked per matter (seeded). */
export const STATUTORY_DAYS: Readonly<Partial<Record<MatterType, readonly number[]>>> = {
  '01': [20], // 行政许可法: 20 working days
  '05': [10, 15, 20],
  '07': [5, 10, 15, 20],
  '20': [5, 10, 15],
};
export const DEFAULT_STATUTORY_DAYS: readonly number[] = [20];
/** Promised limits are 1…min(this, statutory) working days. */
export const MAX_PROMISED_DAYS = 10;

/** Who fills the form, which decides the base fields and the identity material added to a rule's own. */
export type Applicant = 'person' | 'enterprise' | 'organisation' | 'none';

export const BASE: Readonly<Record<Applicant, { readonly materials: readonly MaterialName[]; readonly fields: readonly FieldCode[] }>> = {
  person: { materials: ['居民身份证'], fields: ['xm', 'sfzhm', 'lxdh'] },
  enterprise: { materials: ['营业执照'], fields: ['tyshxydm', 'qymc', 'fddbr', 'lxdh'] },
  organisation: { materials: ['法定代表人居民身份证'], fields: ['tyshxydm', 'dwmc', 'fddbr', 'lxdh'] },
  // The rule lists everything itself (e.g. a birth registration is about the child, not the applicant).
  none: { materials: [], fields: [] },
};

export interface MatterRule {
  readonly keywords: readonly string[];
  readonly applicant: Applicant;
  readonly materials: readonly MaterialName[];
  readonly fields: readonly FieldCode[];
}

/** Used when no rule matches. */
export const DEFAULT_RULE: MatterRule = { keywords: [], applicant: 'person', materials: ['申请表'], fields: [] };

/** First match wins, so specific keywords come before general ones. */
export const MATTER_RULES: readonly MatterRule[] = [
  // birth, family, marriage
  { keywords: ['出生登记'], applicant: 'none', materials: ['出生医学证明', '居民户口簿', '居民身份证', '结婚证'], fields: ['xsexm', 'xsexb', 'csrq', 'csdd', 'cyzmbh', 'mqxm', 'mqsfzhm', 'fqxm', 'fqsfzhm', 'lxdh'] },
  { keywords: ['社会保障卡'], applicant: 'person', materials: ['居民户口簿', '近期免冠证件照片'], fields: ['xb', 'csrq', 'jhrxm', 'jhrsfzhm'] },
  { keywords: ['城乡居民参保'], applicant: 'person', materials: ['居民户口簿'], fields: ['xb', 'csrq', 'hjdz', 'cbxz'] },
  { keywords: ['结婚登记'], applicant: 'none', materials: ['居民身份证', '居民户口簿', '近期免冠证件照片'], fields: ['nfxm', 'nfsfzhm', 'nvfxm', 'nvfsfzhm', 'lxdh'] },
  { keywords: ['生育登记'], applicant: 'none', materials: ['居民身份证', '结婚证', '居民户口簿'], fields: ['nfxm', 'nfsfzhm', 'nvfxm', 'nvfsfzhm', 'jhzh', 'yyzns', 'lxdh'] },
  { keywords: ['投靠配偶'], applicant: 'person', materials: ['居民户口簿', '结婚证', '住房情况证明'], fields: ['poxm', 'posfzhm', 'qcd', 'qrdz'] },
  { keywords: ['生育津贴', '生育医疗费'], applicant: 'person', materials: ['社会保障卡', '医疗费用票据', '出院记录'], fields: ['sbkh', 'fmrq', 'jzyy', 'fyze', 'yhzh'] },
  { keywords: ['异地'], applicant: 'person', materials: ['社会保障卡', '异地就医备案表'], fields: ['sbkh', 'ydjyd', 'balx', 'baksrq'] },
  // housing provident fund
  // The personal account is opened on the unit's account (dwzh), which the 单位缴存登记 gives (MX-T01); the unit files by an agent.
  { keywords: ['个人账户设立'], applicant: 'person', materials: ['劳动合同'], fields: ['dwzh', 'dwmc', 'jcjs'] },
  { keywords: ['单位缴存登记'], applicant: 'enterprise', materials: ['经办人居民身份证', '职工花名册', '授权委托书'], fields: ['zs', 'jcbl', 'zgrs', 'jbrxm', 'jbrsfzhm'] },
  // employment and social security
  { keywords: ['就业创业证'], applicant: 'person', materials: ['居民户口簿', '近期免冠证件照片'], fields: ['xb', 'whcd', 'hjdz', 'jyzt'] },
  // Filed by the enterprise's 经办人: the agent's ID card and the enterprise's 授权委托书 (MX-T27).
  { keywords: ['见习单位认定'], applicant: 'enterprise', materials: ['见习岗位计划表', '申请表', '经办人居民身份证', '授权委托书'], fields: ['jxgws', 'jbrxm', 'jbrsfzhm'] },
  { keywords: ['见习补贴'], applicant: 'enterprise', materials: ['见习人员名册', '银行开户证明'], fields: ['jxrs', 'sqje', 'khyh', 'yhzh'] },
  { keywords: ['社保补贴'], applicant: 'enterprise', materials: ['劳动合同', '社会保险缴费明细', '银行开户证明'], fields: ['sqrs', 'sqje', 'khyh', 'yhzh'] },
  { keywords: ['创业培训补贴'], applicant: 'person', materials: ['就业创业证', '培训合格证书', '银行开户证明'], fields: ['pxxm', 'pxjg', 'khyh', 'yhzh'] },
  { keywords: ['就业创业培训', '职业技能培训'], applicant: 'person', materials: ['退出现役证', '学历证书'], fields: ['tyrq', 'whcd', 'pxzy'] },
  { keywords: ['失业登记'], applicant: 'person', materials: ['就业创业证', '解除劳动合同证明'], fields: ['xb', 'whcd', 'hjdz', 'jcldhtrq'] },
  { keywords: ['就业登记'], applicant: 'person', materials: ['劳动合同'], fields: ['yrdwmc', 'yrdwxydm', 'jyrq', 'gw'] },
  { keywords: ['劳动用工备案'], applicant: 'enterprise', materials: ['劳动合同', '职工花名册'], fields: ['ygxm', 'ygsfzhm', 'htqsrq', 'htzzrq', 'gw'] },
  { keywords: ['丧失劳动能力'], applicant: 'person', materials: ['职工个人档案', '劳动能力鉴定结论书'], fields: ['cjgzrq', 'sqtxrq', 'jdjlbh'] },
  { keywords: ['特殊工种'], applicant: 'person', materials: ['职工个人档案', '特殊工种岗位证明'], fields: ['cjgzrq', 'sqtxrq', 'tsgzmc', 'tsgznx'] },
  { keywords: ['基本养老金'], applicant: 'person', materials: ['社会保障卡', '职工个人档案', '银行开户证明'], fields: ['cjgzrq', 'txrq', 'khyh', 'yhzh'] },
  // Claimed by a relative of the deceased (MX-T23): the deceased, the applicant, the relationship (GB/T 4761) and the account paid into.
  { keywords: ['死亡待遇'], applicant: 'none', materials: ['居民死亡医学证明书', '居民身份证', '亲属关系证明', '银行开户证明'], fields: ['swzxm', 'swzsfzhm', 'swrq', 'xm', 'sfzhm', 'yswzgx', 'khyh', 'yhzh', 'lxdh'] },
  // The insured person's account, paid out on death (to a relative) or emigration (to the insured): who is asked is the 参保人.
  { keywords: ['一次性支取'], applicant: 'person', materials: ['居民死亡医学证明书', '亲属关系证明', '银行开户证明'], fields: ['cbrxm', 'cbrsfzhm', 'yscbrgx', 'zqyy', 'khyh', 'yhzh'] },
  { keywords: ['养老保险关系转移'], applicant: 'person', materials: ['参保缴费凭证', '退出现役证'], fields: ['zcd', 'zrd', 'tyrq'] },
  // disability
  { keywords: ['残疾人证'], applicant: 'person', materials: ['居民户口簿', '残疾评定表', '近期免冠证件照片'], fields: ['xb', 'csrq', 'cjlb', 'hjdz'] },
  { keywords: ['残疾人生活补贴'], applicant: 'person', materials: ['残疾人证', '居民户口簿', '家庭经济状况证明'], fields: ['cjrzh', 'cjlb', 'cjdj', 'khyh', 'yhzh'] },
  // tax
  { keywords: ['代开增值税'], applicant: 'person', materials: ['房屋买卖合同', '不动产权证书'], fields: ['fpje', 'gmfmc', 'fwzl'] },
  // 新办纳税人 (MX-T13): the 信息确认 and the invoice matters are filed by the taxpayer's agent (办税人员) under a 授权委托书.
  { keywords: ['信息确认'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书'], fields: ['fddbrsfzhm', 'clrq', 'zs', 'jyfw', 'jbrxm', 'jbrsfzhm'] },
  { keywords: ['税(费)种认定'], applicant: 'enterprise', materials: ['申请表'], fields: ['szmc', 'nsqx'] },
  { keywords: ['存款账户'], applicant: 'enterprise', materials: ['银行开户证明'], fields: ['khyh', 'yhzh'] },
  { keywords: ['财务会计制度'], applicant: 'enterprise', materials: ['财务会计制度说明'], fields: ['kjzd', 'hsrjmc'] },
  { keywords: ['一般纳税人登记'], applicant: 'enterprise', materials: ['申请表'], fields: ['sxrq', 'kjhsjq'] },
  { keywords: ['发票'], applicant: 'enterprise', materials: ['发票专用章印模', '经办人居民身份证', '授权委托书'], fields: ['fpzl', 'fpsl', 'jbrxm', 'jbrsfzhm'] },
  { keywords: ['单位缴费登记'], applicant: 'enterprise', materials: ['银行开户证明', '职工花名册'], fields: ['cbxz', 'zgrs', 'khyh', 'yhzh'] },
  { keywords: ['定期定额'], applicant: 'enterprise', materials: ['申请表'], fields: ['jycs', 'yjyye'] },
  // real estate and housing
  { keywords: ['房产交易申报'], applicant: 'person', materials: ['不动产权证书', '房屋买卖合同'], fields: ['bdcqzh', 'fwzl', 'jzmj', 'jyjg', 'mfxm', 'mfsfzhm'] },
  { keywords: ['转移登记'], applicant: 'person', materials: ['不动产权证书', '房屋买卖合同', '完税凭证'], fields: ['bdcqzh', 'fwzl', 'jzmj', 'jyjg', 'mfxm', 'mfsfzhm'] },
  { keywords: ['网签备案'], applicant: 'person', materials: ['房屋买卖合同', '不动产权证书'], fields: ['htbh', 'fwzl', 'jyjg', 'mfxm', 'mfsfzhm'] },
  { keywords: ['不动产登记资料查询'], applicant: 'person', materials: ['申请表'], fields: ['cxyt'] },
  { keywords: ['公租房'], applicant: 'person', materials: ['居民户口簿', '家庭收入证明', '住房情况证明'], fields: ['jtrks', 'jtnsr', 'hyzk', 'hjdz'] },
  { keywords: ['报装'], applicant: 'person', materials: ['不动产权证书', '原户缴费凭证'], fields: ['yhbh', 'azdz', 'ywlx', 'bdcqzh'] },
  // business registration and licences
  { keywords: ['个人独资企业设立'], applicant: 'none', materials: ['登记申请书', '居民身份证', '住所使用证明'], fields: ['qymc', 'tzrxm', 'tzrsfzhm', 'zs', 'czje', 'jyfw', 'lxdh'] },
  { keywords: ['公司设立登记'], applicant: 'none', materials: ['登记申请书', '公司章程', '法定代表人居民身份证', '住所使用证明'], fields: ['qymc', 'fddbr', 'fddbrsfzhm', 'zs', 'zczb', 'jyfw', 'lxdh'] },
  { keywords: ['个体工商户设立'], applicant: 'none', materials: ['登记申请书', '居民身份证', '经营场所证明'], fields: ['jyzxm', 'jyzsfzhm', 'zhmc', 'jycs', 'jyfw', 'lxdh'] },
  // Filed by the 清算组's appointed representative (指定代表), with the 授权委托书 (MX-T14).
  { keywords: ['注销登记'], applicant: 'enterprise', materials: ['登记申请书', '清税证明', '股东会决议', '授权委托书'], fields: ['zxyy', 'qszfzr', 'jbrxm', 'jbrsfzhm'] },
  { keywords: ['对外贸易经营者备案'], applicant: 'enterprise', materials: ['对外贸易经营者备案登记表'], fields: ['wmjyzlx', 'bazl', 'zczb', 'jyfw'] },
  { keywords: ['兽药经营许可'], applicant: 'enterprise', materials: ['经营场所证明', '质量管理制度文件', '专业技术人员资格证明'], fields: ['jycs', 'ckdz', 'jyfw', 'jsrys'] },
  // The seed's only 劳务派遣 matter is the cancellation (我要注销劳务派遣公司): the permit handed back, the dispatched workers placed.
  { keywords: ['劳务派遣经营许可'], applicant: 'enterprise', materials: ['劳务派遣经营许可证', '被派遣劳动者安置情况说明', '申请表'], fields: ['xkzbh', 'zxyy', 'zxqpqrs'] },
  { keywords: ['食品经营许可'], applicant: 'enterprise', materials: ['经营场所证明', '食品安全管理制度', '申请表'], fields: ['jycs', 'ztyt', 'jyxm', 'aqglry'] },
  { keywords: ['烟草专卖零售许可'], applicant: 'enterprise', materials: ['经营场所证明', '申请表'], fields: ['jycs', 'jycsmj'] },
  { keywords: ['节目制作经营许可'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '公司章程', '专业技术人员资格证明', '申请表'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'zczb', 'jyfw', 'zyrys'] },
  // travel documents
  { keywords: ['港澳通行证探亲签注'], applicant: 'person', materials: ['往来港澳通行证', '亲属关系证明', '近期免冠证件照片'], fields: ['txzhm', 'qwd', 'qzzl', 'qzcs'] },
  { keywords: ['港澳通行证个人游签注', '港澳通行证其他签注'], applicant: 'person', materials: ['往来港澳通行证', '近期免冠证件照片'], fields: ['txzhm', 'qwd', 'qzzl', 'qzcs'] },
  { keywords: ['台湾通行证学习签注'], applicant: 'person', materials: ['往来台湾通行证', '台湾院校录取通知书'], fields: ['txzhm', 'qzzl', 'qzcs'] },
  { keywords: ['台湾通行证探亲签注'], applicant: 'person', materials: ['往来台湾通行证', '亲属关系证明'], fields: ['txzhm', 'qzzl', 'qzcs'] },
  { keywords: ['往来港澳通行证', '往来台湾通行证'], applicant: 'person', materials: ['居民户口簿', '近期免冠证件照片'], fields: ['xb', 'csrq', 'hjdz', 'sqlb'] },
  // drivers and vehicles
  { keywords: ['持军警驾驶证'], applicant: 'person', materials: ['军队机动车驾驶证', '退出现役证', '身体条件证明'], fields: ['jjjszh', 'zjcx', 'tyrq'] },
  { keywords: ['驾驶证初次申领'], applicant: 'person', materials: ['身体条件证明', '近期免冠证件照片'], fields: ['xb', 'csrq', 'zjcx', 'jzdz'] },
  { keywords: ['从业资格证'], applicant: 'person', materials: ['机动车驾驶证', '无犯罪记录证明', '身体条件证明'], fields: ['jszh', 'zjcx', 'cclzrq', 'cyzglb'] },
  { keywords: ['无犯罪记录证明'], applicant: 'person', materials: ['居民户口簿'], fields: ['xb', 'hjdz', 'sqyt'] },
  { keywords: ['机动车注册登记'], applicant: 'person', materials: ['机动车来历凭证', '机动车整车出厂合格证明', '机动车交通事故责任强制保险凭证'], fields: ['clsbdh', 'fdjh', 'hpzl', 'syxz'] },
  { keywords: ['抵押登记'], applicant: 'person', materials: ['机动车登记证书', '抵押合同'], fields: ['hphm', 'hpzl', 'dyqrmc', 'dyqrxydm', 'htbh'] },
  { keywords: ['检验合格标志'], applicant: 'person', materials: ['机动车行驶证', '机动车交通事故责任强制保险凭证'], fields: ['hphm', 'hpzl', 'bhlx'] },
  { keywords: ['行驶证'], applicant: 'person', materials: ['机动车登记证书'], fields: ['hphm', 'hpzl', 'bhlx'] },
  // MX-T31 (issue #16): the school files through its 经办人 (授权委托书); the permit names the bus's driver and route, the
  // plate the bus it was issued for (校车安全管理条例 第十四条, 第十五条).
  { keywords: ['校车使用许可'], applicant: 'organisation', materials: ['经办人居民身份证', '授权委托书', '机动车行驶证', '机动车驾驶证', '校车安全管理制度'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xcsl', 'xslx', 'jsrxm', 'jsrsfzhm'] },
  { keywords: ['校车标牌'], applicant: 'organisation', materials: ['经办人居民身份证', '授权委托书', '校车使用许可证明', '机动车行驶证'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'hphm', 'hpzl', 'xslx'] },
  // health professions
  { keywords: ['医师执业'], applicant: 'person', materials: ['医师资格证书', '健康体检证明', '聘用证明'], fields: ['zgzsbh', 'zylb', 'zyfw', 'zyjg'] },
  { keywords: ['护士执业'], applicant: 'person', materials: ['护士执业资格考试成绩合格证明', '学历证书', '健康体检证明'], fields: ['xb', 'csrq', 'xl', 'zyjg'] },
  { keywords: ['母婴保健技术'], applicant: 'person', materials: ['医师资格证书', '健康体检证明'], fields: ['zgzsbh', 'jsxm', 'zyjg'] },
  // veterans
  { keywords: ['退役士兵接收安置'], applicant: 'person', materials: ['退出现役证', '居民户口簿'], fields: ['rwrq', 'tyrq', 'hjdz'] },
  { keywords: ['经济补助金'], applicant: 'person', materials: ['退出现役证', '银行开户证明'], fields: ['tyrq', 'fynx', 'khyh', 'yhzh'] },
  // construction, sites, advertising
  // MX-T08, MX-T28, MX-T35, MX-T40 (issue #16): filed at the window by the enterprise's 经办人, under its 授权委托书, as every
  // 住建 and planning matter of these themes; the works (项目) and the site (场所: where, how large, until when) they concern.
  { keywords: ['挖掘城市道路'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '施工方案', '交通疏导方案', '设计图纸'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xmmc', 'sgdd', 'sgdw', 'zymj', 'kgrq', 'wgrq'] },
  { keywords: ['管线'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '设计图纸', '施工方案'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xmmc', 'sgdd', 'gxlx', 'gxcd', 'kgrq', 'wgrq'] },
  { keywords: ['建筑垃圾'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '建筑垃圾处置方案', '消纳场所证明', '建筑垃圾运输合同'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xmmc', 'sgdd', 'ljsl', 'ysdw'] },
  { keywords: ['堆放物料'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '场地平面图', '施工方案'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xmmc', 'szdd', 'zymj', 'kgrq', 'wgrq'] },
  // A 大型户外广告 standing on its own ground is a structure: it needs the 建设工程规划许可证 first (MX-T40).
  { keywords: ['大型户外广告'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '设置方案及效果图', '场地权属证明', '建设工程规划许可证'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'szdd', 'ggnr', 'ggmj', 'szqx', 'ghxkzh'] },
  { keywords: ['宣传品', '户外广告'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '设置方案及效果图', '场地权属证明'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'szdd', 'ggnr', 'ggmj', 'szqx'] },
  { keywords: ['规划类许可证'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '建设工程设计方案', '不动产权证书'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'xmmc', 'jsdd', 'jzmj', 'jzgd'] },
  // MX-T37 (issue #16): filed by the unit whose premises were fitted out — there a 民办非企业单位 (no 营业执照), named by
  // its 登记证书's credit code.
  { keywords: ['消防验收备案'], applicant: 'organisation', materials: ['竣工验收报告', '消防设施检测报告'], fields: ['xmmc', 'jsdd', 'jzmj', 'jgrq'] },
  // MX-T34 (issue #16): filed by the 建设单位 (developer) through its 经办人; the contract names the 物业服务企业 it chose.
  { keywords: ['物业服务合同'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '前期物业服务合同'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'wyxmmc', 'xmdz', 'wyfwqymc', 'wyfwqydm', 'htqsrq', 'htzzrq'] },
  { keywords: ['物业管理区域'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '规划总平面图', '申请表'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'wyxmmc', 'xmdz', 'zdmj', 'jzmj'] },
  // institutions and associations
  { keywords: ['非学历教育机构设立'], applicant: 'none', materials: ['申请表', '举办者资格证明', '办学场所证明', '机构章程'], fields: ['jgmc', 'fddbr', 'fddbrsfzhm', 'bxdz', 'pxlb', 'lxdh'] },
  // MX-T37 (issue #16): a 民办学校 registers with 民政 once the 教育局 granted its 办学许可证 (民办教育促进法 第十八条).
  { keywords: ['民办非企业单位'], applicant: 'none', materials: ['登记申请书', '机构章程', '法定代表人居民身份证', '住所使用证明', '民办学校办学许可证'], fields: ['dwmc', 'fddbr', 'fddbrsfzhm', 'zs', 'kbzj', 'ywfw', 'lxdh'] },
  // MX-T38 (issue #16): the registration of a change waits for the 业务主管单位's consent (for a 民族 association, the
  // 民族团体变更前审批); both forms name the legal representative by his ID number too.
  { keywords: ['社会团体变更登记'], applicant: 'organisation', materials: ['会员大会决议', '社会团体法人登记证书', '申请表', '业务主管单位审查同意文件'], fields: ['fddbrsfzhm', 'bgsx', 'bgqnr', 'bghnr'] },
  { keywords: ['团体变更'], applicant: 'organisation', materials: ['会员大会决议', '社会团体法人登记证书', '申请表'], fields: ['fddbrsfzhm', 'bgsx', 'bgqnr', 'bghnr'] },
  // special equipment, wildlife
  // MX-T39 (issue #16): the 使用单位 files through its 经办人; the 施工告知 names the installing company and its 特种设备生产许可证.
  { keywords: ['特种设备施工告知'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '特种设备安装改造修理许可证', '申请表'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'sgdw', 'sgdwxydm', 'sgdwxkzbh', 'sblb', 'azdd', 'kgrq'] },
  { keywords: ['特种设备使用登记'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '产品质量合格证明', '监督检验证书', '申请表'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'sblb', 'sbdm', 'azdd'] },
  // MX-T36 (issue #16): the breeder files through its 经办人; the sale or use names the 人工繁育许可证 it holds.
  { keywords: ['人工繁育'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '繁育场所证明', '种源来源证明', '专业技术人员资格证明'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'wzmc', 'sl', 'fycs'] },
  { keywords: ['出售、购买、利用'], applicant: 'enterprise', materials: ['经办人居民身份证', '授权委托书', '水生野生动物人工繁育许可证', '购销合同', '种源来源证明'], fields: ['zs', 'jbrxm', 'jbrsfzhm', 'fyxkzh', 'wzmc', 'sl', 'lyfs'] },
];

/**
 * Matters that refuse a material's 容缺 although the document kind allows it:
 * a photo cannot follow when it is printed on what the matter issues (the card
 * or pass is made from it). Matter name patterns, per material.
 */
export const DEFERRAL_REFUSED: Readonly<Partial<Record<MaterialName, readonly RegExp[]>>> = {
  // The pass itself (办理往来港澳通行证), not an endorsement on it (…通行证个人游签注).
  近期免冠证件照片: [/社会保障卡/u, /通行证$/u, /驾驶证初次申领/u, /结婚登记/u, /残疾人证/u],
};

/** Whether a matter refuses the 容缺 its material's kind allows ({@link DEFERRAL_REFUSED}). */
export function refusesDeferral(matterName: string, material: MaterialName): boolean {
  return (DEFERRAL_REFUSED[material] ?? []).some((pattern) => pattern.test(matterName));
}

/** The rule for a matter name (first match, else {@link DEFAULT_RULE}). */
export function ruleForMatter(name: string): MatterRule {
  return MATTER_RULES.find((rule) => rule.keywords.some((keyword) => name.includes(keyword))) ?? DEFAULT_RULE;
}

/** GB/T 39554.1 matter type of a matter name (first match, else {@link DEFAULT_MATTER_TYPE}). */
export function matterTypeOf(name: string): MatterType {
  return MATTER_TYPE_RULES.find((rule) => rule.keywords.some((keyword) => name.includes(keyword)))?.type ?? DEFAULT_MATTER_TYPE;
}
