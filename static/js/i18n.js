// Small i18n module: two dictionaries, Chinese first.
//
// Static text in the HTML carries `data-i18n="key"` (sets textContent) or
// `data-i18n-placeholder="key"` / `data-i18n-title="key"` / `data-i18n-aria-label="key"`.
// Text a page builds itself is rebuilt in an `onLangChange` callback, so one click on
// `#lang-toggle` switches the whole page without a reload.

const STORAGE_KEY = 'yingbin.lang';
const LANGS = ['zh', 'en'];

const zh = {
  'app.name': '迎宾',
  'app.full_name': '迎宾 · 来宾接待',
  'nav.guests': '来宾名单',
  'nav.import': '导入',
  'nav.api_docs': '接口文档',
  'nav.logout': '退出登录',
  'nav.main': '主导航',
  'common.loading': '加载中…',
  'common.none': '—',
  'common.yes': '是',
  'common.no': '否',
  'common.retry': '重试',

  'role.admin': '管理员',
  'role.reception': '接待部',
  'role.department': '邀请部门',
  'role.security': '安保部',
  'role.transport': '交通部',
  'role.office': '办公室',
  'role.committee': '组委会',
  'role.greeter': '接机人员',
  'role.hotel_desk': '宾馆前台',
  'role.canteen': '就餐点',
  'role.checkpoint': '检查点',
  'role.inspector': '食品卫生监督员',
  'role.health': '卫生局',

  'error.generic': '操作失败',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.status.400': '请求有误。',
  'error.status.401': '请先登录。',
  'error.status.403': '没有权限执行此操作。',
  'error.status.404': '未找到。',
  'error.status.409': '与现有数据冲突。',
  'error.status.413': '文件太大。',
  'error.status.415': '不支持的文件类型。',
  'error.status.422': '数据有误。',
  'error.status.429': '尝试次数过多，请稍后再试。',
  'error.status.500': '服务器内部错误。',
  'error.status.503': '服务暂时不可用，请稍后再试。',

  'login.title': '登录 · 迎宾',
  'login.heading': '迎宾接待系统',
  'login.subheading': '请使用接待部分配的账号登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.busy': '正在登录…',
  'login.missing': '请输入用户名和密码。',

  'cat.vip': '贵宾',
  'cat.entourage': '随行人员',
  'cat.journalist': '记者',
  'cat.staff': '工作人员',
  'cat.delegate': '代表团成员',

  'list.title': '来宾名单 · 迎宾',
  'list.heading': '来宾名单',
  'list.search': '搜索姓名、拼音、编号、证件号或电话',
  'list.search_label': '搜索',
  'list.filters': '筛选',
  'list.all': '全部',
  'list.clear': '清除筛选',
  'list.total_suffix': '位来宾',
  'list.export': '导出 CSV',
  'list.empty': '没有符合条件的来宾。',
  'list.page_prev': '上一页',
  'list.page_next': '下一页',
  'list.page_info': '第 {from}–{to} 条，共 {total} 条',
  'list.page_info_empty': '共 0 条',
  'list.chart': '按类别统计',
  'list.chart_hint': '点击类别即可筛选',

  'filter.category': '类别',
  'filter.department': '邀请部门',
  'filter.delegation': '代表团',
  'filter.halal': '清真',
  'filter.halal_yes': '清真',
  'filter.halal_no': '非清真',
  'filter.hub': '抵达机场/车站',
  'filter.arrival_date': '抵达日期',

  'col.ref': '编号',
  'col.name': '姓名',
  'col.category': '类别',
  'col.department': '邀请部门',
  'col.delegation': '代表团',
  'col.arrival': '抵达',
  'col.halal': '清真',
  'col.id_number': '证件号',

  'halal.badge': '清真',

  'guest.title': '来宾信息 · 迎宾',
  'guest.back': '返回名单',
  'guest.missing_id': '链接中缺少来宾编号。',
  'guest.photo': '照片',
  'guest.photo_alt': '来宾照片',
  'guest.photo_none': '暂无照片',
  'guest.photo_choose': '选择照片',
  'guest.photo_upload': '上传照片',
  'guest.photo_hint': 'JPEG、PNG 或 WebP，系统会裁剪为 3:4 证件照。',
  'guest.photo_pick_first': '请先选择照片文件。',
  'guest.photo_uploading': '正在上传…',
  'guest.photo_done': '照片已更新。',

  'section.identity': '基本信息',
  'section.contact': '联系方式',
  'section.arrival': '抵达',
  'section.departure': '离开',
  'section.stay': '住宿与饮食',
  'section.record': '记录',

  'field.ref': '编号',
  'field.name': '姓名',
  'field.name_latin': '拼音/外文名',
  'field.category': '类别',
  'field.gender': '性别',
  'field.department': '邀请部门',
  'field.delegation': '代表团',
  'field.organization': '单位',
  'field.id_type': '证件类型',
  'field.id_number': '证件号',
  'field.phone': '电话',
  'field.email': '电子邮箱',
  'field.language': '语言',
  'field.halal': '清真',
  'field.diet': '特殊饮食',
  'field.arrival_mode': '方式',
  'field.arrival_no': '航班/车次',
  'field.arrival_hub': '机场/车站',
  'field.arrival_time': '时间',
  'field.departure_mode': '方式',
  'field.departure_no': '航班/车次',
  'field.departure_hub': '机场/车站',
  'field.departure_time': '时间',
  'field.stay_from': '入住',
  'field.stay_to': '离店',
  'field.notes': '备注',
  'field.has_photo': '照片',
  'field.created_at': '创建时间',
  'field.updated_at': '更新时间',

  'gender.M': '男',
  'gender.F': '女',
  'id_type.resident_id': '居民身份证',
  'id_type.passport': '护照',
  'mode.flight': '航班',
  'mode.train': '火车',
  'mode.car': '汽车',
  'mode.bus': '大巴',
  'mode.self': '自行抵达',
  'language.zh': '中文',
  'language.en': '英文',

  'import.title': '导入来宾 · 迎宾',
  'import.heading': '导入来宾',
  'import.help': '选择 CSV 文件（UTF-8 或 GBK 编码，中文或英文表头均可）。先“预览检查”，确认无误后再“确认导入”。检查不会写入任何数据。',
  'import.file': 'CSV 文件',
  'import.preview': '预览检查',
  'import.confirm': '确认导入',
  'import.pick_first': '请先选择 CSV 文件。',
  'import.checking': '正在检查…',
  'import.running': '正在导入，请勿关闭页面…',
  'import.summary': '检查结果',
  'import.rows': '数据行',
  'import.created': '新增',
  'import.updated': '更新',
  'import.unchanged': '未变',
  'import.new_heading': '将新建的名称',
  'import.new_warning': '请逐一核对：新的部门名称可能是错别字。',
  'import.new_departments': '新部门',
  'import.new_delegations': '新代表团',
  'import.new_hubs': '新机场/车站',
  'import.nothing_new': '没有新的部门、代表团或机场/车站。',
  'import.errors_heading': '以下行有错误，未写入任何数据。请修改文件后重新检查。',
  'import.err_line': '行',
  'import.err_column': '列',
  'import.err_message': '问题',
  'import.ready': '检查通过，可以确认导入。',
  'import.result': '已导入：新增 {created}，更新 {updated}，未变 {unchanged}',
  'import.back': '返回来宾名单',

  'docs.title': '接口文档 · 迎宾',
  'docs.heading': '接口文档',
  'docs.filter': '按路径或说明筛选',
  'docs.expand_all': '全部展开',
  'docs.collapse_all': '全部收起',
  'docs.parameters': '参数',
  'docs.request': '请求体',
  'docs.responses': '响应',
  'docs.schemas': '数据结构',
  'docs.required': '必填',
  'docs.optional': '可选',
  'docs.name': '名称',
  'docs.in': '位置',
  'docs.type': '类型',
  'docs.description': '说明',
  'docs.untagged': '其他',
  'docs.raw': '原始 JSON',
  'docs.no_ops': '没有匹配的接口。',
};

const en = {
  'app.name': 'Yingbin',
  'app.full_name': 'Yingbin · guest reception',
  'nav.guests': 'Guests',
  'nav.import': 'Import',
  'nav.api_docs': 'API docs',
  'nav.logout': 'Sign out',
  'nav.main': 'Main navigation',
  'common.loading': 'Loading…',
  'common.none': '—',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.retry': 'Retry',

  'role.admin': 'Administrator',
  'role.reception': 'Reception',
  'role.department': 'Department',
  'role.security': 'Security',
  'role.transport': 'Transport',
  'role.office': 'Office',
  'role.committee': 'Committee',
  'role.greeter': 'Greeter',
  'role.hotel_desk': 'Hotel desk',
  'role.canteen': 'Dining point',
  'role.checkpoint': 'Checkpoint',
  'role.inspector': 'Hygiene inspector',
  'role.health': 'Health bureau',

  'error.generic': 'Something went wrong',
  'error.network': 'Cannot reach the server. Check the network and try again.',
  'error.status.400': 'Bad request.',
  'error.status.401': 'Please sign in.',
  'error.status.403': 'You are not allowed to do this.',
  'error.status.404': 'Not found.',
  'error.status.409': 'This conflicts with existing data.',
  'error.status.413': 'The file is too large.',
  'error.status.415': 'This file type is not supported.',
  'error.status.422': 'The data is not valid.',
  'error.status.429': 'Too many attempts. Try again later.',
  'error.status.500': 'Internal server error.',
  'error.status.503': 'The service is unavailable. Try again shortly.',

  'login.title': 'Sign in · Yingbin',
  'login.heading': 'Yingbin guest reception',
  'login.subheading': 'Sign in with the account the reception department gave you',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.missing': 'Enter your username and password.',

  'cat.vip': 'VIP',
  'cat.entourage': 'Entourage',
  'cat.journalist': 'Journalist',
  'cat.staff': 'Staff',
  'cat.delegate': 'Delegate',

  'list.title': 'Guests · Yingbin',
  'list.heading': 'Guests',
  'list.search': 'Search name, ref, ID number or phone',
  'list.search_label': 'Search',
  'list.filters': 'Filters',
  'list.all': 'All',
  'list.clear': 'Clear filters',
  'list.total_suffix': 'guests',
  'list.export': 'Export CSV',
  'list.empty': 'No guests match.',
  'list.page_prev': 'Previous',
  'list.page_next': 'Next',
  'list.page_info': '{from}–{to} of {total}',
  'list.page_info_empty': '0 of 0',
  'list.chart': 'By category',
  'list.chart_hint': 'Tap a category to filter',

  'filter.category': 'Category',
  'filter.department': 'Department',
  'filter.delegation': 'Delegation',
  'filter.halal': 'Halal',
  'filter.halal_yes': 'Halal',
  'filter.halal_no': 'Not halal',
  'filter.hub': 'Arrival hub',
  'filter.arrival_date': 'Arrival date',

  'col.ref': 'Ref',
  'col.name': 'Name',
  'col.category': 'Category',
  'col.department': 'Department',
  'col.delegation': 'Delegation',
  'col.arrival': 'Arrival',
  'col.halal': 'Halal',
  'col.id_number': 'ID number',

  'halal.badge': 'Halal',

  'guest.title': 'Guest · Yingbin',
  'guest.back': 'Back to the list',
  'guest.missing_id': 'The link has no guest id.',
  'guest.photo': 'Photo',
  'guest.photo_alt': 'Guest photo',
  'guest.photo_none': 'No photo yet',
  'guest.photo_choose': 'Choose photo',
  'guest.photo_upload': 'Upload photo',
  'guest.photo_hint': 'JPEG, PNG or WebP; cropped to a 3:4 ID photo.',
  'guest.photo_pick_first': 'Choose a photo file first.',
  'guest.photo_uploading': 'Uploading…',
  'guest.photo_done': 'Photo updated.',

  'section.identity': 'Identity',
  'section.contact': 'Contact',
  'section.arrival': 'Arrival',
  'section.departure': 'Departure',
  'section.stay': 'Stay and diet',
  'section.record': 'Record',

  'field.ref': 'Ref',
  'field.name': 'Name',
  'field.name_latin': 'Latin name',
  'field.category': 'Category',
  'field.gender': 'Gender',
  'field.department': 'Inviting department',
  'field.delegation': 'Delegation',
  'field.organization': 'Organization',
  'field.id_type': 'ID type',
  'field.id_number': 'ID number',
  'field.phone': 'Phone',
  'field.email': 'Email',
  'field.language': 'Language',
  'field.halal': 'Halal',
  'field.diet': 'Special diet',
  'field.arrival_mode': 'Mode',
  'field.arrival_no': 'Flight/train no.',
  'field.arrival_hub': 'Airport/station',
  'field.arrival_time': 'Time',
  'field.departure_mode': 'Mode',
  'field.departure_no': 'Flight/train no.',
  'field.departure_hub': 'Airport/station',
  'field.departure_time': 'Time',
  'field.stay_from': 'Check-in',
  'field.stay_to': 'Check-out',
  'field.notes': 'Notes',
  'field.has_photo': 'Photo',
  'field.created_at': 'Created',
  'field.updated_at': 'Updated',

  'gender.M': 'Male',
  'gender.F': 'Female',
  'id_type.resident_id': 'Resident ID',
  'id_type.passport': 'Passport',
  'mode.flight': 'Flight',
  'mode.train': 'Train',
  'mode.car': 'Car',
  'mode.bus': 'Coach',
  'mode.self': 'Own way',
  'language.zh': 'Chinese',
  'language.en': 'English',

  'import.title': 'Import guests · Yingbin',
  'import.heading': 'Import guests',
  'import.help': 'Choose a CSV file (UTF-8 or GBK, Chinese or English headers). Check it first, then confirm the import. The check writes nothing.',
  'import.file': 'CSV file',
  'import.preview': 'Check file',
  'import.confirm': 'Confirm import',
  'import.pick_first': 'Choose a CSV file first.',
  'import.checking': 'Checking…',
  'import.running': 'Importing — keep this page open…',
  'import.summary': 'Check result',
  'import.rows': 'Rows',
  'import.created': 'New',
  'import.updated': 'Updated',
  'import.unchanged': 'Unchanged',
  'import.new_heading': 'Names that will be created',
  'import.new_warning': 'Check each one: a new department name may be a typo.',
  'import.new_departments': 'New departments',
  'import.new_delegations': 'New delegations',
  'import.new_hubs': 'New airports/stations',
  'import.nothing_new': 'No new departments, delegations or airports/stations.',
  'import.errors_heading': 'These rows have errors; nothing was written. Fix the file and check again.',
  'import.err_line': 'Line',
  'import.err_column': 'Column',
  'import.err_message': 'Problem',
  'import.ready': 'The check passed — ready to import.',
  'import.result': 'Imported: {created} new, {updated} updated, {unchanged} unchanged',
  'import.back': 'Back to the guest list',

  'docs.title': 'API docs · Yingbin',
  'docs.heading': 'API reference',
  'docs.filter': 'Filter by path or summary',
  'docs.expand_all': 'Expand all',
  'docs.collapse_all': 'Collapse all',
  'docs.parameters': 'Parameters',
  'docs.request': 'Request body',
  'docs.responses': 'Responses',
  'docs.schemas': 'Schemas',
  'docs.required': 'required',
  'docs.optional': 'optional',
  'docs.name': 'Name',
  'docs.in': 'In',
  'docs.type': 'Type',
  'docs.description': 'Description',
  'docs.untagged': 'Other',
  'docs.raw': 'Raw JSON',
  'docs.no_ops': 'No operation matches.',
};

const dictionaries = { zh, en };
const listeners = new Set();

function stored() {
  // localStorage throws in some private modes; the page must still work.
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current = LANGS.includes(stored()) ? stored() : 'zh';

/** The current UI language: 'zh' (default) or 'en'. */
export function lang() {
  return current;
}

/** The value for the `Accept-Language` header and `<html lang>`. */
export function locale() {
  return current === 'en' ? 'en' : 'zh-CN';
}

/**
 * Text for `key` in the current language, `{name}` placeholders filled from `vars`.
 * A key missing in English falls back to Chinese, then to the key itself, so a gap
 * shows up on screen instead of an empty label.
 */
export function t(key, vars) {
  let text = dictionaries[current][key] ?? zh[key] ?? key;
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }
  return text;
}

/** True when the dictionary has `key` (used for optional value labels). */
export function has(key) {
  return key in dictionaries[current] || key in zh;
}

/** Fill every `data-i18n*` element under `root`. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  document.documentElement.lang = locale();
  const toggle = document.getElementById('lang-toggle');
  if (toggle) {
    // The button names the language it switches *to*, in that language.
    toggle.textContent = current === 'zh' ? 'English' : '中文';
    toggle.setAttribute('lang', current === 'zh' ? 'en' : 'zh-CN');
  }
}

/** Switch language, remember it, and re-render the page in place. */
export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered across pages; still switched on this one.
  }
  applyI18n();
  for (const fn of listeners) fn(current);
}

/** Run `fn` after every language switch (pages rebuild their dynamic text there). */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Wire `#lang-toggle` and translate the static page once. */
export function initI18n() {
  applyI18n();
  const toggle = document.getElementById('lang-toggle');
  if (toggle && !toggle.dataset.wired) {
    toggle.dataset.wired = '1';
    toggle.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
  }
  // Another tab switched language: follow it, so two open pages never disagree.
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && LANGS.includes(e.newValue)) setLang(e.newValue);
  });
}
