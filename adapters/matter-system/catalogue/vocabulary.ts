/**
 * Synthetic but realistic vocabulary of the simulated matter system: the
 * application materials (申请材料) and department form fields (表单字段) its
 * matters use. The seed table names matters only; everything here is
 * hand-written domain knowledge, kept as data so it can be reviewed.
 *
 * Material codes here name the document kind (`CL001` 居民身份证); they are the
 * identities of `mappings/materials.yaml`. The catalogue itself lists each
 * matter's materials under the matter's own code (`<basic code>-<nn>`) and,
 * for some, a name variant (NAME_VARIANTS), as real catalogues do.
 * Codes are written out, never derived from position: append, do not renumber.
 */
import type { FormFieldOption, FormFieldType, MaterialForm } from '../../../src/domain/matter-catalog.js';

export interface MaterialSpec {
  readonly code: string;
  readonly form: MaterialForm;
  /** Licence type (Chinese name) that can supply the material instead of an upload. */
  readonly licenceType?: string;
  /** Default true. */
  readonly required?: boolean;
  /** 容缺: working days after acceptance within which it may follow (5–10); absent when the province does not allow it. */
  readonly deferralDays?: number;
  /** 告知承诺: the commitment text that may replace it; absent when not allowed. */
  readonly commitment?: string;
}

/**
 * The provinces' flags, by document kind. 容缺 only for secondary documents
 * (a photo, a bank account proof, a discharge record, internal rules, rosters),
 * never for identity documents or licences; 告知承诺 for the proofs a
 * commitment can stand for under the 证明事项告知承诺制 (residence and premises,
 * family finances, no criminal record, health, kinship).
 */
const COMMITMENTS = {
  住所使用证明: '本人（本单位）承诺：所填报的住所真实存在，申请人依法享有该住所的使用权，住所用途符合国家和本省关于住所登记的规定。如有不实，愿意承担相应的法律责任，并接受撤销登记等处理。',
  经营场所证明: '本人（本单位）承诺：对所申报的经营场所依法享有使用权，场所用途符合规划和安全要求，不属于违法建筑。如有不实，愿意承担由此产生的法律责任，并接受撤销许可等处理。',
  家庭经济状况证明: '本人承诺：所申报的家庭成员、收入和财产状况真实、完整，同意有关部门通过信息共享核对本人及家庭成员的经济状况。如有隐瞒或虚报，愿意退回已领取的补贴并承担相应的法律责任。',
  家庭收入证明: '本人承诺：所申报的家庭人口及家庭年收入真实、准确，同意有关部门核查。如有虚报、瞒报，愿意承担取消保障资格、退回已享受待遇等后果及相应的法律责任。',
  住房情况证明: '本人承诺：本人及共同申请的家庭成员的住房情况如实申报，在本市无自有住房或人均住房建筑面积低于规定标准。如有不实，愿意承担取消保障资格等后果及相应的法律责任。',
  无犯罪记录证明: '本人承诺：本人无犯罪记录，未受过刑事处罚，未被列为吸毒人员，同意有关部门核查本人的违法犯罪记录。如有不实，愿意承担撤销相应许可的后果及相应的法律责任。',
  健康体检证明: '本人承诺：本人身体健康，无妨碍从事所申请执业活动的疾病或者功能障碍。如有不实，愿意承担撤销注册等后果及相应的法律责任。',
  亲属关系证明: '本人承诺：本人与所申报亲属之间的亲属关系真实存在，所提供的信息真实、准确，同意有关部门核查。如有不实，愿意承担由此产生的一切法律责任。',
  办学场所证明: '本单位承诺：对所申报的办学场所依法享有使用权，场所符合消防、安全和卫生要求，不属于违法建筑。如有不实，愿意承担撤销许可等后果及相应的法律责任。',
} as const;

/** Materials by name. */
export const MATERIALS = {
  居民身份证: { code: 'CL001', form: 'original', licenceType: '居民身份证' },
  居民户口簿: { code: 'CL002', form: 'original', licenceType: '居民户口簿' },
  出生医学证明: { code: 'CL003', form: 'original', licenceType: '出生医学证明' },
  结婚证: { code: 'CL004', form: 'original', licenceType: '结婚证', required: false },
  营业执照: { code: 'CL005', form: 'copy', licenceType: '营业执照' },
  不动产权证书: { code: 'CL006', form: 'original', licenceType: '不动产权证书' },
  社会保障卡: { code: 'CL007', form: 'original', licenceType: '社会保障卡' },
  近期免冠证件照片: { code: 'CL008', form: 'original', deferralDays: 5 },
  申请表: { code: 'CL009', form: 'original' },
  劳动合同: { code: 'CL010', form: 'copy' },
  就业创业证: { code: 'CL011', form: 'original', licenceType: '就业创业证' },
  职工花名册: { code: 'CL012', form: 'original', deferralDays: 5 },
  医疗费用票据: { code: 'CL013', form: 'original' },
  出院记录: { code: 'CL014', form: 'copy', deferralDays: 10 },
  异地就医备案表: { code: 'CL015', form: 'original' },
  银行开户证明: { code: 'CL016', form: 'copy', deferralDays: 5 },
  职工个人档案: { code: 'CL017', form: 'original' },
  劳动能力鉴定结论书: { code: 'CL018', form: 'original' },
  特殊工种岗位证明: { code: 'CL019', form: 'original' },
  居民死亡医学证明书: { code: 'CL020', form: 'original', licenceType: '居民死亡医学证明（推断）书' },
  亲属关系证明: { code: 'CL021', form: 'original', commitment: COMMITMENTS.亲属关系证明 },
  残疾评定表: { code: 'CL022', form: 'original' },
  残疾人证: { code: 'CL023', form: 'original', licenceType: '中华人民共和国残疾人证' },
  家庭经济状况证明: { code: 'CL024', form: 'original', commitment: COMMITMENTS.家庭经济状况证明 },
  经办人居民身份证: { code: 'CL025', form: 'copy', licenceType: '居民身份证' },
  房屋买卖合同: { code: 'CL026', form: 'original' },
  完税凭证: { code: 'CL027', form: 'copy' },
  公司章程: { code: 'CL028', form: 'original' },
  法定代表人居民身份证: { code: 'CL029', form: 'copy', licenceType: '居民身份证' },
  住所使用证明: { code: 'CL030', form: 'copy', commitment: COMMITMENTS.住所使用证明 },
  登记申请书: { code: 'CL031', form: 'original' },
  经营场所证明: { code: 'CL032', form: 'copy', commitment: COMMITMENTS.经营场所证明 },
  清税证明: { code: 'CL033', form: 'original', licenceType: '清税证明' },
  股东会决议: { code: 'CL034', form: 'original' },
  质量管理制度文件: { code: 'CL035', form: 'original', deferralDays: 10 },
  专业技术人员资格证明: { code: 'CL036', form: 'copy' },
  食品安全管理制度: { code: 'CL037', form: 'original', deferralDays: 10 },
  往来港澳通行证: { code: 'CL038', form: 'original', licenceType: '往来港澳通行证' },
  往来台湾通行证: { code: 'CL039', form: 'original', licenceType: '往来台湾通行证' },
  台湾院校录取通知书: { code: 'CL040', form: 'copy' },
  身体条件证明: { code: 'CL041', form: 'original' },
  机动车驾驶证: { code: 'CL042', form: 'original', licenceType: '机动车驾驶证' },
  无犯罪记录证明: { code: 'CL043', form: 'original', licenceType: '无犯罪记录证明', commitment: COMMITMENTS.无犯罪记录证明 },
  机动车来历凭证: { code: 'CL044', form: 'original' },
  机动车整车出厂合格证明: { code: 'CL045', form: 'original' },
  机动车交通事故责任强制保险凭证: { code: 'CL046', form: 'original' },
  机动车登记证书: { code: 'CL047', form: 'original', licenceType: '机动车登记证书' },
  抵押合同: { code: 'CL048', form: 'original' },
  机动车行驶证: { code: 'CL049', form: 'original', licenceType: '机动车行驶证' },
  医师资格证书: { code: 'CL050', form: 'copy', licenceType: '医师资格证书' },
  健康体检证明: { code: 'CL051', form: 'original', commitment: COMMITMENTS.健康体检证明 },
  聘用证明: { code: 'CL052', form: 'original' },
  护士执业资格考试成绩合格证明: { code: 'CL053', form: 'copy' },
  学历证书: { code: 'CL054', form: 'copy' },
  原户缴费凭证: { code: 'CL055', form: 'copy', required: false, deferralDays: 5 },
  退出现役证: { code: 'CL056', form: 'original', licenceType: '退出现役证' },
  军队机动车驾驶证: { code: 'CL057', form: 'original' },
  参保缴费凭证: { code: 'CL058', form: 'original', deferralDays: 7 },
  家庭收入证明: { code: 'CL059', form: 'original', commitment: COMMITMENTS.家庭收入证明 },
  住房情况证明: { code: 'CL060', form: 'original', commitment: COMMITMENTS.住房情况证明 },
  校车安全管理制度: { code: 'CL061', form: 'original', deferralDays: 10 },
  校车使用许可证明: { code: 'CL062', form: 'copy' },
  前期物业服务合同: { code: 'CL063', form: 'original' },
  规划总平面图: { code: 'CL064', form: 'copy', deferralDays: 7 },
  建筑垃圾处置方案: { code: 'CL065', form: 'original' },
  消纳场所证明: { code: 'CL066', form: 'copy' },
  场地平面图: { code: 'CL067', form: 'copy', deferralDays: 5 },
  施工方案: { code: 'CL068', form: 'original' },
  交通疏导方案: { code: 'CL069', form: 'original', deferralDays: 5 },
  设计图纸: { code: 'CL070', form: 'copy' },
  设置方案及效果图: { code: 'CL071', form: 'original' },
  场地权属证明: { code: 'CL072', form: 'copy' },
  建设工程设计方案: { code: 'CL073', form: 'original' },
  竣工验收报告: { code: 'CL074', form: 'copy' },
  消防设施检测报告: { code: 'CL075', form: 'original' },
  举办者资格证明: { code: 'CL076', form: 'copy' },
  办学场所证明: { code: 'CL077', form: 'copy', commitment: COMMITMENTS.办学场所证明 },
  会员大会决议: { code: 'CL078', form: 'original' },
  社会团体法人登记证书: { code: 'CL079', form: 'original', licenceType: '社会团体法人登记证书' },
  特种设备安装改造修理许可证: { code: 'CL080', form: 'copy', licenceType: '特种设备生产许可证' },
  产品质量合格证明: { code: 'CL081', form: 'copy' },
  监督检验证书: { code: 'CL082', form: 'copy' },
  繁育场所证明: { code: 'CL083', form: 'copy' },
  种源来源证明: { code: 'CL084', form: 'original' },
  水生野生动物人工繁育许可证: { code: 'CL085', form: 'copy', licenceType: '水生野生动物人工繁育许可证' },
  购销合同: { code: 'CL086', form: 'copy' },
  发票专用章印模: { code: 'CL087', form: 'original' },
  财务会计制度说明: { code: 'CL088', form: 'original', deferralDays: 10 },
  见习人员名册: { code: 'CL089', form: 'original' },
  见习岗位计划表: { code: 'CL090', form: 'original', deferralDays: 5 },
  培训合格证书: { code: 'CL091', form: 'copy' },
  社会保险缴费明细: { code: 'CL092', form: 'original', deferralDays: 5 },
  解除劳动合同证明: { code: 'CL093', form: 'copy' },
  对外贸易经营者备案登记表: { code: 'CL094', form: 'original' },
  道路运输从业资格证: { code: 'CL095', form: 'original', licenceType: '道路运输从业人员从业资格证' },
  机构章程: { code: 'CL096', form: 'original' },
  // MX-T19, MX-T37, MX-T38 (issue #16); codes from CL160 so that those other themes add meanwhile stay apart.
  业务主管单位审查同意文件: { code: 'CL160', form: 'original' },
  // MX-T37 (issue #16): the 教育局's permit a 民办学校 registers with (the 非学历教育机构设立's result in that theme).
  民办学校办学许可证: { code: 'CL161', form: 'copy', licenceType: '民办学校办学许可证' },
  // MX-T01, MX-T13, MX-T14, MX-T27 and the works themes (issue #16): a filing by an agent.
  授权委托书: { code: 'CL097', form: 'original' },
  // MX-T14 (issue #16): the cancellation of a 劳务派遣 permit: the permit handed back, the dispatched workers placed.
  劳务派遣经营许可证: { code: 'CL098', form: 'original', licenceType: '劳务派遣经营许可证' },
  被派遣劳动者安置情况说明: { code: 'CL099', form: 'original' },
  // MX-T40 (issue #16): the 建设工程规划许可证 the 大型户外广告 approval needs, issued by the planning matter of the same theme.
  建设工程规划许可证: { code: 'CL100', form: 'copy' },
  // MX-T35 (issue #16): the contract with a licensed carrier (城市建筑垃圾管理规定 第七条), not the carrier's own 行驶证.
  建筑垃圾运输合同: { code: 'CL101', form: 'copy' },
} as const satisfies Record<string, MaterialSpec>;

export type MaterialName = keyof typeof MATERIALS;

/**
 * Names real catalogues use for the same document, the first being the
 * vocabulary's own. A matter lists a material under one of them, picked by a
 * hash of the matter and the material (build-catalogue.ts), so the same
 * catalogue comes out on every machine. `申请书` is both an 申请表 and a
 * 登记申请书: a matter calling it that needs the mapping to say which.
 */
export const NAME_VARIANTS: Readonly<Partial<Record<MaterialName, readonly string[]>>> = {
  居民身份证: ['居民身份证', '申请人居民身份证', '身份证'],
  居民户口簿: ['居民户口簿', '户口簿'],
  结婚证: ['结婚证', '结婚证书'],
  营业执照: ['营业执照', '营业执照副本'],
  不动产权证书: ['不动产权证书', '不动产权属证书'],
  社会保障卡: ['社会保障卡', '社保卡'],
  近期免冠证件照片: ['近期免冠证件照片', '近期二寸免冠彩色照片', '近期免冠照片'],
  申请表: ['申请表', '登记申请表', '申请书'],
  登记申请书: ['登记申请书', '设立登记申请书', '申请书'],
  银行开户证明: ['银行开户证明', '银行账户信息'],
  亲属关系证明: ['亲属关系证明', '亲属关系证明材料'],
  住所使用证明: ['住所使用证明', '住所（经营场所）使用证明'],
  经营场所证明: ['经营场所证明', '经营场所使用证明'],
  健康体检证明: ['健康体检证明', '健康体检表'],
  无犯罪记录证明: ['无犯罪记录证明', '无犯罪记录证明书'],
  机动车驾驶证: ['机动车驾驶证', '驾驶证'],
  机动车行驶证: ['机动车行驶证', '行驶证'],
  出院记录: ['出院记录', '出院小结'],
  医疗费用票据: ['医疗费用票据', '医疗费用收据'],
};

export interface FieldSpec {
  readonly label: string;
  readonly type: FormFieldType;
  readonly options?: readonly FormFieldOption[];
  /** Default true. */
  readonly required?: boolean;
}

const SEX = [{ value: '1', label: '男' }, { value: '2', label: '女' }];
const PLATE_TYPES = [{ value: '01', label: '大型汽车' }, { value: '02', label: '小型汽车' }, { value: '52', label: '小型新能源汽车' }];
const LICENCE_CLASSES = ['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2'].map((value) => ({ value, label: value }));
const EDUCATION = [{ value: '10', label: '研究生' }, { value: '20', label: '大学本科' }, { value: '30', label: '大学专科' }, { value: '40', label: '中专' }, { value: '60', label: '高中' }, { value: '70', label: '初中及以下' }];
const YES_NO = [{ value: '1', label: '是' }, { value: '0', label: '否' }];
/** GB/T 4761-2008 家庭关系代码, one-digit codes (4 孙子女 and 6 祖父母 left out: no claim of these matters comes from them). */
const KINSHIP = [{ value: '0', label: '本人' }, { value: '1', label: '配偶' }, { value: '2', label: '子' }, { value: '3', label: '女' }, { value: '5', label: '父母' }, { value: '7', label: '兄、弟、姐、妹' }, { value: '8', label: '其他' }];

/** Department form fields by code (pinyin initials, the way department systems name them). */
export const FIELDS = {
  // person
  xm: { label: '姓名', type: 'string' },
  sfzhm: { label: '公民身份号码', type: 'idNumber' },
  xb: { label: '性别', type: 'enum', options: SEX },
  csrq: { label: '出生日期', type: 'date' },
  lxdh: { label: '联系电话', type: 'phone' },
  hjdz: { label: '户籍地址', type: 'string' },
  jzdz: { label: '居住地址', type: 'string', required: false },
  whcd: { label: '文化程度', type: 'enum', options: EDUCATION },
  hyzk: { label: '婚姻状况', type: 'enum', options: [{ value: '10', label: '未婚' }, { value: '20', label: '已婚' }, { value: '30', label: '丧偶' }, { value: '40', label: '离婚' }] },
  yhzh: { label: '银行账号', type: 'string' },
  khyh: { label: '开户银行', type: 'string' },
  // newborn and family
  xsexm: { label: '新生儿姓名', type: 'string' },
  xsexb: { label: '新生儿性别', type: 'enum', options: SEX },
  csdd: { label: '出生地点', type: 'string' },
  cyzmbh: { label: '出生医学证明编号', type: 'string' },
  mqxm: { label: '母亲姓名', type: 'string' },
  mqsfzhm: { label: '母亲公民身份号码', type: 'idNumber' },
  fqxm: { label: '父亲姓名', type: 'string', required: false },
  fqsfzhm: { label: '父亲公民身份号码', type: 'idNumber', required: false },
  jhrxm: { label: '监护人姓名', type: 'string' },
  jhrsfzhm: { label: '监护人公民身份号码', type: 'idNumber' },
  nfxm: { label: '男方姓名', type: 'string' },
  nfsfzhm: { label: '男方公民身份号码', type: 'idNumber' },
  nvfxm: { label: '女方姓名', type: 'string' },
  nvfsfzhm: { label: '女方公民身份号码', type: 'idNumber' },
  jhzh: { label: '结婚证字号', type: 'string' },
  yyzns: { label: '已有子女数', type: 'number' },
  poxm: { label: '配偶姓名', type: 'string' },
  posfzhm: { label: '配偶公民身份号码', type: 'idNumber' },
  qcd: { label: '迁出地', type: 'string' },
  qrdz: { label: '迁入地址', type: 'string' },
  swzxm: { label: '死者姓名', type: 'string' },
  swzsfzhm: { label: '死者公民身份号码', type: 'idNumber' },
  swrq: { label: '死亡日期', type: 'date' },
  // GB/T 4761-2008 家庭关系代码, its one-digit codes (0 本人或户主 … 8 其他).
  yswzgx: { label: '与死者关系', type: 'enum', options: KINSHIP.filter((option) => option.value !== '0') },
  cbrxm: { label: '参保人姓名', type: 'string' },
  cbrsfzhm: { label: '参保人公民身份号码', type: 'idNumber' },
  yscbrgx: { label: '申请人与参保人关系', type: 'enum', options: KINSHIP },
  // organisation
  tyshxydm: { label: '统一社会信用代码', type: 'creditCode' },
  qymc: { label: '企业名称', type: 'string' },
  dwmc: { label: '单位名称', type: 'string' },
  fddbr: { label: '法定代表人', type: 'string' },
  fddbrsfzhm: { label: '法定代表人公民身份号码', type: 'idNumber' },
  zs: { label: '住所', type: 'string' },
  clrq: { label: '成立日期', type: 'date' },   // MX-T13 (issue #16): 开业日期 of the 信息确认 forms
  zczb: { label: '注册资本（万元）', type: 'number' },
  jyfw: { label: '经营范围', type: 'string' },
  jycs: { label: '经营场所', type: 'string' },
  jbrxm: { label: '经办人姓名', type: 'string' },
  jbrsfzhm: { label: '经办人公民身份号码', type: 'idNumber' },
  zgrs: { label: '职工人数', type: 'number' },
  tzrxm: { label: '投资人姓名', type: 'string' },
  tzrsfzhm: { label: '投资人公民身份号码', type: 'idNumber' },
  czje: { label: '出资额（万元）', type: 'number' },
  jyzxm: { label: '经营者姓名', type: 'string' },
  jyzsfzhm: { label: '经营者公民身份号码', type: 'idNumber' },
  zhmc: { label: '字号名称', type: 'string', required: false },
  zxyy: { label: '注销原因', type: 'enum', options: [{ value: '1', label: '决议解散' }, { value: '2', label: '章程规定的营业期限届满' }, { value: '9', label: '其他原因' }] },
  qszfzr: { label: '清算组负责人', type: 'string' },
  xkzbh: { label: '许可证编号', type: 'string' },
  zxqpqrs: { label: '注销时在派被派遣劳动者人数', type: 'number' },
  kbzj: { label: '开办资金（万元）', type: 'number' },
  ywfw: { label: '业务范围', type: 'string' },
  jgmc: { label: '机构名称', type: 'string' },
  bxdz: { label: '办学地址', type: 'string' },
  pxlb: { label: '培训类别', type: 'enum', options: [{ value: '1', label: '文化教育类' }, { value: '2', label: '艺术体育类' }, { value: '3', label: '科技类' }] },
  // MX-T38 (issue #16): what a 社会团体 changes, by the code of the 社会组织 registration system (association-change-item)
  bgsx: { label: '变更事项', type: 'enum', options: [{ value: '01', label: '名称' }, { value: '02', label: '住所' }, { value: '03', label: '法定代表人' }, { value: '04', label: '业务范围' }, { value: '05', label: '注册资金' }, { value: '06', label: '业务主管单位' }] },
  bgqnr: { label: '变更前内容', type: 'string' },
  bghnr: { label: '变更后内容', type: 'string' },
  // tax
  szmc: { label: '税（费）种', type: 'enum', options: [{ value: '10101', label: '增值税' }, { value: '10104', label: '企业所得税' }, { value: '10106', label: '个人所得税' }, { value: '10111', label: '印花税' }] },
  nsqx: { label: '纳税期限', type: 'enum', options: [{ value: '06', label: '按月' }, { value: '08', label: '按季' }] },
  kjzd: { label: '适用会计制度', type: 'enum', options: [{ value: '1', label: '企业会计准则' }, { value: '2', label: '小企业会计准则' }] },
  hsrjmc: { label: '会计核算软件名称', type: 'string', required: false },
  sxrq: { label: '生效日期', type: 'date' },
  kjhsjq: { label: '会计核算是否健全', type: 'enum', options: YES_NO },
  fpzl: { label: '发票种类', type: 'enum', options: [{ value: '026', label: '增值税电子普通发票' }, { value: '028', label: '增值税电子专用发票' }] },
  fpsl: { label: '发票数量（份）', type: 'number' },
  fpje: { label: '开票金额（元）', type: 'number' },
  gmfmc: { label: '购买方名称', type: 'string' },
  yjyye: { label: '月经营额（元）', type: 'number' },
  // employment and social security
  yrdwmc: { label: '用人单位名称', type: 'string' },
  yrdwxydm: { label: '用人单位统一社会信用代码', type: 'creditCode' },
  jyrq: { label: '就业日期', type: 'date' },
  gw: { label: '工作岗位', type: 'string', required: false },
  ygxm: { label: '员工姓名', type: 'string' },
  ygsfzhm: { label: '员工公民身份号码', type: 'idNumber' },
  htqsrq: { label: '合同起始日期', type: 'date' },
  htzzrq: { label: '合同终止日期', type: 'date', required: false },
  jyzt: { label: '就业状态', type: 'enum', options: [{ value: '1', label: '就业' }, { value: '2', label: '失业' }] },
  jcldhtrq: { label: '解除劳动合同日期', type: 'date' },
  cjgzrq: { label: '参加工作日期', type: 'date' },
  sqtxrq: { label: '申请退休日期', type: 'date' },
  txrq: { label: '退休日期', type: 'date' },
  jdjlbh: { label: '劳动能力鉴定结论编号', type: 'string' },
  tsgzmc: { label: '特殊工种名称', type: 'string' },
  tsgznx: { label: '从事特殊工种年限', type: 'number' },
  sbkh: { label: '社会保障卡号', type: 'string' },
  cbxz: { label: '参保险种', type: 'enum', options: [{ value: '110', label: '职工基本养老保险' }, { value: '310', label: '职工基本医疗保险' }, { value: '390', label: '城乡居民基本医疗保险' }] },
  fmrq: { label: '分娩日期', type: 'date' },
  jzyy: { label: '就诊医疗机构', type: 'string' },
  fyze: { label: '医疗费用总额（元）', type: 'number' },
  ydjyd: { label: '异地就医地', type: 'string' },
  balx: { label: '备案类型', type: 'enum', options: [{ value: '1', label: '常驻异地工作人员' }, { value: '2', label: '异地长期居住人员' }, { value: '3', label: '异地安置退休人员' }, { value: '4', label: '临时外出就医人员' }] },
  baksrq: { label: '备案开始日期', type: 'date' },
  jcjs: { label: '缴存基数（元）', type: 'number' },
  jcbl: { label: '单位缴存比例（%）', type: 'number' },
  // MX-T01 (issue #16): the unit's account the 单位缴存登记 opens, on which each employee's personal account is set up.
  dwzh: { label: '单位公积金账号', type: 'string' },
  jxgws: { label: '见习岗位数', type: 'number' },
  jxrs: { label: '见习人数', type: 'number' },
  sqrs: { label: '申请人数', type: 'number' },
  sqje: { label: '申请金额（元）', type: 'number' },
  pxxm: { label: '培训项目', type: 'string' },
  pxjg: { label: '培训机构', type: 'string' },
  zcd: { label: '转出地', type: 'string' },
  zrd: { label: '转入地', type: 'string' },
  zqyy: { label: '支取原因', type: 'enum', options: [{ value: '1', label: '参保人员死亡' }, { value: '2', label: '出国（境）定居' }] },
  // disability
  cjlb: { label: '残疾类别', type: 'enum', options: ['视力', '听力', '言语', '肢体', '智力', '精神', '多重'].map((label, index) => ({ value: String(index + 1), label })) },
  cjdj: { label: '残疾等级', type: 'enum', options: ['一级', '二级', '三级', '四级'].map((label, index) => ({ value: String(index + 1), label })) },
  cjrzh: { label: '残疾人证号', type: 'string' },
  // property and housing
  bdcqzh: { label: '不动产权证号', type: 'string' },
  fwzl: { label: '房屋坐落', type: 'string' },
  jzmj: { label: '建筑面积（平方米）', type: 'number' },
  jyjg: { label: '成交价格（元）', type: 'number' },
  mfxm: { label: '买受人姓名', type: 'string' },
  mfsfzhm: { label: '买受人公民身份号码', type: 'idNumber' },
  htbh: { label: '合同编号', type: 'string' },
  cxyt: { label: '查询用途', type: 'string' },
  jtrks: { label: '家庭人口数', type: 'number' },
  jtnsr: { label: '家庭年收入（元）', type: 'number' },
  // utilities
  yhbh: { label: '用户编号', type: 'string', required: false },
  azdz: { label: '用能地址', type: 'string' },
  ywlx: { label: '业务类型', type: 'enum', options: [{ value: '1', label: '新装' }, { value: '2', label: '过户' }, { value: '3', label: '变更' }] },
  // vehicles and drivers
  clsbdh: { label: '车辆识别代号', type: 'string' },
  fdjh: { label: '发动机号', type: 'string' },
  hpzl: { label: '号牌种类', type: 'enum', options: PLATE_TYPES },
  hphm: { label: '号牌号码', type: 'string' },
  syxz: { label: '使用性质', type: 'enum', options: [{ value: 'A', label: '非营运' }, { value: 'B', label: '公路客运' }, { value: 'E', label: '校车' }] },
  dyqrmc: { label: '抵押权人名称', type: 'string' },
  dyqrxydm: { label: '抵押权人统一社会信用代码', type: 'creditCode' },
  bhlx: { label: '补换类型', type: 'enum', options: [{ value: '1', label: '补领' }, { value: '2', label: '换领' }] },
  zjcx: { label: '准驾车型', type: 'enum', options: LICENCE_CLASSES },
  jszh: { label: '机动车驾驶证号', type: 'string' },
  jjjszh: { label: '军警驾驶证号', type: 'string' },
  cclzrq: { label: '初次领证日期', type: 'date' },
  cyzglb: { label: '从业资格类别', type: 'enum', options: [{ value: '01', label: '道路旅客运输驾驶员' }, { value: '11', label: '网络预约出租汽车驾驶员' }] },
  sqyt: { label: '申请用途', type: 'string' },
  xcsl: { label: '校车数量', type: 'number' },
  xslx: { label: '行驶线路', type: 'string' },
  jsrxm: { label: '驾驶人姓名', type: 'string' },
  jsrsfzhm: { label: '驾驶人公民身份号码', type: 'idNumber' },
  // travel documents
  txzhm: { label: '通行证号码', type: 'string' },
  qwd: { label: '前往地', type: 'enum', options: [{ value: 'HKG', label: '香港' }, { value: 'MAC', label: '澳门' }] },
  qzzl: { label: '签注种类', type: 'enum', options: [{ value: 'T', label: '探亲' }, { value: 'G', label: '个人旅游' }, { value: 'X', label: '学习' }, { value: 'Q', label: '其他' }] },
  qzcs: { label: '签注次数', type: 'enum', options: [{ value: '1', label: '一次有效' }, { value: '2', label: '二次有效' }] },
  sqlb: { label: '申请类别', type: 'enum', options: [{ value: '11', label: '首次申请' }, { value: '21', label: '失效重领' }, { value: '31', label: '补发' }] },
  // health professions
  zgzsbh: { label: '资格证书编号', type: 'string' },
  zylb: { label: '执业类别', type: 'enum', options: [{ value: '1', label: '临床' }, { value: '2', label: '中医' }, { value: '3', label: '口腔' }, { value: '4', label: '公共卫生' }] },
  zyfw: { label: '执业范围', type: 'string' },
  zyjg: { label: '拟执业机构', type: 'string' },
  xl: { label: '学历', type: 'enum', options: EDUCATION },
  jsxm: { label: '技术项目', type: 'enum', options: [{ value: '1', label: '助产技术' }, { value: '2', label: '结扎手术' }, { value: '3', label: '终止妊娠手术' }] },
  // veterans
  rwrq: { label: '入伍日期', type: 'date' },
  tyrq: { label: '退役日期', type: 'date' },
  fynx: { label: '服役年限', type: 'number' },
  pxzy: { label: '培训专业', type: 'string' },
  // works, sites, advertising
  xmmc: { label: '项目名称', type: 'string' },
  sgdd: { label: '施工地点', type: 'string' },
  sgdw: { label: '施工单位', type: 'string' },
  kgrq: { label: '开工日期', type: 'date' },
  wgrq: { label: '完工日期', type: 'date' },
  jgrq: { label: '竣工日期', type: 'date' },
  zymj: { label: '占用面积（平方米）', type: 'number' },
  gxlx: { label: '管线类型', type: 'enum', options: [{ value: '1', label: '给排水' }, { value: '2', label: '燃气' }, { value: '3', label: '电力' }, { value: '4', label: '通信' }] },
  gxcd: { label: '管线长度（米）', type: 'number' },
  szdd: { label: '设置地点', type: 'string' },
  szqx: { label: '设置期限截止日期', type: 'date' },
  ggmj: { label: '面积（平方米）', type: 'number' },
  ggnr: { label: '内容', type: 'string' },
  ljsl: { label: '建筑垃圾数量（立方米）', type: 'number' },
  ysdw: { label: '运输单位', type: 'string' },
  jsdd: { label: '建设地点', type: 'string' },
  jzgd: { label: '建筑高度（米）', type: 'number' },
  wyxmmc: { label: '物业项目名称', type: 'string' },
  xmdz: { label: '项目地址', type: 'string' },
  zdmj: { label: '占地面积（平方米）', type: 'number' },
  zyrys: { label: '专业人员数', type: 'number' },
  // regulated goods and equipment
  ztyt: { label: '主体业态', type: 'enum', options: [{ value: '1', label: '食品销售经营者' }, { value: '2', label: '餐饮服务经营者' }, { value: '3', label: '单位食堂' }] },
  jyxm: { label: '经营项目', type: 'string' },
  aqglry: { label: '食品安全管理人员', type: 'string' },
  ckdz: { label: '仓库地址', type: 'string' },
  jsrys: { label: '专业技术人员数', type: 'number' },
  jycsmj: { label: '经营场所面积（平方米）', type: 'number' },
  wmjyzlx: { label: '对外贸易经营者类型', type: 'enum', options: [{ value: '1', label: '有限责任公司' }, { value: '2', label: '个人独资企业' }, { value: '3', label: '个体工商户' }] },
  bazl: { label: '备案类型', type: 'enum', options: [{ value: '1', label: '新办' }, { value: '2', label: '变更' }, { value: '3', label: '注销' }] },
  // 特种设备目录 (原质检总局 2014年第114号公告) category codes, the eight 种类 (MX-T39).
  sblb: { label: '设备类别', type: 'enum', options: [{ value: '1000', label: '锅炉' }, { value: '2000', label: '压力容器' }, { value: '3000', label: '电梯' }, { value: '4000', label: '起重机械' }, { value: '5000', label: '客运索道' }, { value: '6000', label: '大型游乐设施' }, { value: '7000', label: '压力管道' }, { value: '8000', label: '场（厂）内专用机动车辆' }] },
  sbdm: { label: '设备代码', type: 'string' },
  azdd: { label: '安装地点', type: 'string' },
  // A few 国家二级 aquatic species of the 国家重点保护野生动物名录 (2021), by scientific name (MX-T36).
  wzmc: { label: '物种名称', type: 'enum', options: [{ value: 'Andrias davidianus', label: '大鲵' }, { value: 'Myxocyprinus asiaticus', label: '胭脂鱼' }, { value: 'Anguilla marmorata', label: '花鳗鲡' }, { value: 'Palea steindachneri', label: '山瑞鳖' }, { value: 'Mauremys mutica', label: '黄喉拟水龟' }, { value: 'Tanichthys albonubes', label: '唐鱼' }] },
  sl: { label: '数量', type: 'number' },
  fycs: { label: '繁育场所', type: 'string' },
  lyfs: { label: '利用方式', type: 'enum', options: [{ value: '1', label: '出售' }, { value: '2', label: '购买' }, { value: '3', label: '利用' }] },
  // MX-T08, MX-T28, MX-T34, MX-T35, MX-T36, MX-T39, MX-T40 (issue #16): the licences and parties these works, sites and permits name.
  fyxkzh: { label: '人工繁育许可证编号', type: 'string' },
  sgdwxydm: { label: '施工单位统一社会信用代码', type: 'creditCode' },
  sgdwxkzbh: { label: '施工单位许可证编号', type: 'string' },
  ghxkzh: { label: '建设工程规划许可证号', type: 'string' },
  wyfwqymc: { label: '物业服务企业名称', type: 'string' },
  wyfwqydm: { label: '物业服务企业统一社会信用代码', type: 'creditCode' },
} as const satisfies Record<string, FieldSpec>;

export type FieldCode = keyof typeof FIELDS;
