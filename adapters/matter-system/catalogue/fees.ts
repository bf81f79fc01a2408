/**
 * 收费项目 of the matters that charge a fee in practice (by matter name, as
 * the seed lists them); every other matter is free. Amounts in 分 are the
 * national standards: 出入境证件 (往来港澳/台湾通行证 60 元, 一次有效签注
 * 15 元) are paid when the application is accepted; 机动车 工本费 (驾驶证 10
 * 元; 号牌 100 元, 行驶证 10 元, 登记证书 10 元) and 不动产登记费 (住宅 80 元
 * per 件) are paid before the results are handed out (缴费领证). Codes are the
 * 执收项目 codes of the payment platform (adapters/payment/simulator/revenue-items.ts).
 */
import type { FeeItem } from '../../../src/domain/payment.js';

const HONG_KONG_MACAO_ENDORSEMENT: readonly FeeItem[] = [{ code: '103040102', name: '往来港澳通行证签注费(一次有效)', amountFen: 1500, gate: 'before-acceptance' }];
const TAIWAN_ENDORSEMENT: readonly FeeItem[] = [{ code: '103040104', name: '往来台湾通行证签注费(一次有效)', amountFen: 1500, gate: 'before-acceptance' }];

export const MATTER_FEES: Readonly<Record<string, readonly FeeItem[]>> = {
  办理往来港澳通行证: [{ code: '103040101', name: '往来港澳通行证工本费', amountFen: 6000, gate: 'before-acceptance' }],
  办理往来港澳通行证探亲签注: HONG_KONG_MACAO_ENDORSEMENT,
  办理往来港澳通行证个人游签注: HONG_KONG_MACAO_ENDORSEMENT,
  办理往来港澳通行证其他签注: HONG_KONG_MACAO_ENDORSEMENT,
  办理往来台湾通行证: [{ code: '103040103', name: '往来台湾通行证工本费', amountFen: 6000, gate: 'before-acceptance' }],
  办理往来台湾通行证学习签注: TAIWAN_ENDORSEMENT,
  办理往来台湾通行证探亲签注: TAIWAN_ENDORSEMENT,
  机动车驾驶证初次申领: [{ code: '103040201', name: '机动车驾驶证工本费', amountFen: 1000, gate: 'before-results' }],
  机动车注册登记: [
    { code: '103040202', name: '机动车号牌工本费', amountFen: 10000, gate: 'before-results' },
    { code: '103040203', name: '机动车行驶证工本费', amountFen: 1000, gate: 'before-results' },
    { code: '103040204', name: '机动车登记证书工本费', amountFen: 1000, gate: 'before-results' },
  ],
  '国有建设用地使用权及房屋所有权登记(转移登记)': [{ code: '103041301', name: '不动产登记费(住宅)', amountFen: 8000, gate: 'before-results' }],
};
