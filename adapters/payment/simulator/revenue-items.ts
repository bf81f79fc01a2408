/**
 * The 执收项目 (non-tax revenue items) the simulated platform knows: a notice
 * with any other item code is refused (E202). The platform's own table, kept
 * apart from the catalogue's fee items so a mismatch shows in the tests.
 */
export const REVENUE_ITEMS: Readonly<Record<string, string>> = {
  103040101: '出入境证照费-往来港澳通行证',
  103040102: '出入境证照费-往来港澳通行证签注',
  103040103: '出入境证照费-往来台湾通行证',
  103040104: '出入境证照费-往来台湾通行证签注',
  103040201: '机动车驾驶证工本费',
  103040202: '机动车号牌工本费',
  103040203: '机动车行驶证工本费',
  103040204: '机动车登记证书工本费',
  103041301: '不动产登记费',
};
