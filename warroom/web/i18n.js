// Labels in English and Simplified Chinese. Static labels carry data-i18n="key"
// (data-i18n-placeholder for inputs); code asks t("key"). The choice is remembered.

const LABELS = {
  title: ["warroom · war room", "warroom · 实时作战室"],
  "tab.feed": ["Live feed", "实时动态"],
  "tab.board": ["Campaigns", "计划看板"],
  "tab.reviews": ["Review queue", "审核队列"],
  "tab.rules": ["Rules", "规则"],
  "tab.reports": ["Reports", "报表"],
  "login.prompt": ["Sign in with an API key (warroom demo prints one per role)", "请输入 API 密钥（warroom demo 为每个角色打印一个）"],
  "login.key": ["API key (wk_…)", "API 密钥 (wk_…)"],
  "login.go": ["Sign in", "登录"],
  "login.out": ["Sign out", "退出"],
  "login.bad": ["This key was refused", "密钥无效"],
  "status.live": ["live", "实时"],
  "status.connecting": ["connecting…", "连接中…"],
  "status.reconnecting": ["reconnecting…", "重新连接中…"],
  "kill.on": ["Kill switch ON: budget actions held", "总开关已关闭：预算动作暂停"],
  "filter.kind": ["Kind", "类型"],
  "filter.all": ["all", "全部"],
  "filter.shop": ["shop", "店铺"],
  "filter.campaign": ["campaign", "计划"],
  "filter.rule": ["rule", "规则"],
  "filter.pause": ["Pause", "暂停滚动"],
  "filter.resume": ["Resume", "继续"],
  "kind.verdict": ["verdict", "风控判定"],
  "kind.decision": ["decision", "预算决策"],
  "kind.review": ["review", "人工审核"],
  "feed.empty": ["Nothing yet: verdicts and budget decisions appear here as they happen.", "暂无动态：风控判定和预算决策会实时出现在这里。"],
  "feed.shown": ["shown", "条显示"],
  "x.rule": ["rule", "规则"],
  "x.version": ["version", "版本"],
  "x.mode": ["mode", "模式"],
  "x.window": ["window", "窗口"],
  "x.observed": ["observed", "观测值"],
  "x.thresholds": ["thresholds", "阈值"],
  "x.guardrails": ["guardrails", "护栏"],
  "x.changes": ["change", "变更"],
  "x.result": ["result", "执行结果"],
  "x.entity": ["entity", "对象"],
  "x.evidence": ["evidence", "证据"],
  "x.score": ["score", "分数"],
  "x.outcome": ["outcome", "结论"],
  "x.reverted": ["reverted by", "已被撤销"],
  "x.by": ["by", "操作人"],
  "x.note": ["note", "备注"],
  "revert.go": ["Revert", "撤销"],
  "revert.asked": ["revert requested", "已请求撤销"],
  "revert.done": ["reverted", "已撤销"],
  "board.window": ["Window", "时间窗口"],
  "board.spend": ["spend", "消耗"],
  "board.orders": ["orders", "订单"],
  "board.roi": ["ROI", "ROI"],
  "board.cpa": ["CPA", "CPA"],
  "board.ctr": ["CTR", "点击率"],
  "board.match": ["match", "人货匹配度"],
  "board.budget": ["budget", "日预算"],
  "board.last": ["last action", "最近动作"],
  "board.none": ["no action yet", "暂无动作"],
  "board.nolive": ["no live data yet", "暂无实时数据"],
  "board.empty": ["No campaigns yet.", "暂无计划。"],
  "board.spark": ["spend / orders per minute, last hour", "近一小时每分钟消耗 / 订单"],
  "status.active": ["active", "投放中"],
  "status.paused": ["paused", "已暂停"],
  "status.ended": ["ended", "已结束"],
  "rev.status": ["Status", "状态"],
  "rev.open": ["open", "待审核"],
  "rev.released": ["released", "已放行"],
  "rev.confirmed_fraud": ["confirmed fraud", "已确认欺诈"],
  "rev.any": ["any", "全部"],
  "rev.order": ["order", "订单"],
  "rev.shop": ["shop", "店铺"],
  "rev.outcome": ["outcome", "结论"],
  "rev.score": ["score", "分数"],
  "rev.reasons": ["reasons", "原因"],
  "rev.queued": ["queued", "入队时间"],
  "rev.decided": ["decided", "处理"],
  "rev.release": ["Release", "放行"],
  "rev.fraud": ["Confirm fraud", "确认欺诈"],
  "rev.empty": ["The queue is empty.", "队列为空。"],
  "rev.count": ["orders", "个订单"],
  "rules.id": ["rule", "规则"],
  "rules.kind": ["kind", "类型"],
  "rules.mode": ["live mode", "生效模式"],
  "rules.live": ["live version", "生效版本"],
  "rules.candidate": ["candidate", "影子候选"],
  "rules.pick": ["Pick a rule to see and edit it.", "选择一条规则查看和编辑。"],
  "rules.draft": ["Draft", "草稿"],
  "rules.params": ["Thresholds", "阈值"],
  "rules.condition": ["Condition", "条件"],
  "rules.action": ["Action", "动作"],
  "rules.guardrails": ["Guardrails", "护栏"],
  "rules.note": ["Note (why)", "备注（原因）"],
  "rules.save": ["Save draft", "保存草稿"],
  "rules.publish": ["Publish", "发布"],
  "rules.saved": ["draft saved", "草稿已保存"],
  "rules.published": ["published version", "已发布版本"],
  "rules.rollback": ["Roll back to", "回滚到"],
  "rules.rolled": ["rolled back: new version", "已回滚：新版本"],
  "rules.candidate.start": ["Run draft as shadow candidate", "草稿作为影子候选运行"],
  "rules.candidate.stop": ["End candidate", "结束影子候选"],
  "rules.candidate.started": ["candidate running: version", "影子候选运行中：版本"],
  "rules.shadow": ["Shadow comparison", "影子对比"],
  "rules.versions": ["Versions", "版本历史"],
  "rules.audit": ["Audit trail", "审计记录"],
  "rules.readonly": ["Your role may not change this rule.", "你的角色无权修改此规则。"],
  "rules.invalid": ["not saved: fix the marked fields", "未保存：请修正标出的字段"],
  "bt.title": ["Backtest", "回测"],
  "bt.since": ["since", "开始"],
  "bt.until": ["until", "结束"],
  "bt.run": ["Run backtest on the draft", "用草稿回测"],
  "bt.live": ["live version", "生效版本"],
  "bt.draft": ["draft", "草稿"],
  "bt.decisions": ["decisions it would have made", "将产生的决策"],
  "na": ["Not available yet on this server.", "此服务器暂不支持。"],
  "rep.report": ["Report", "报表"],
  "rep.traffic": ["traffic", "流量"],
  "rep.profit": ["profit", "利润"],
  "rep.risk": ["risk", "风控"],
  "rep.granularity": ["granularity", "粒度"],
  "rep.hour": ["hour", "小时"],
  "rep.day": ["day", "天"],
  "rep.creative": ["creative", "素材"],
  "rep.creator": ["creator", "达人"],
  "rep.run": ["Show", "查询"],
  "rep.csv": ["Download CSV", "下载 CSV"],
  "rep.chart": ["chart", "图表"],
  "rep.rows": ["rows", "行"],
  "rep.empty": ["No rows for these filters.", "没有符合条件的数据。"],
  "err.forbidden": ["Your role may not do this.", "你的角色无权执行此操作。"],
};

let lang = localStorage.getItem("warroom.lang") || (navigator.language.startsWith("zh") ? "zh-CN" : "en");

export const language = () => lang;

/** The label for ``key`` in the current language (the key itself if unknown). */
export function t(key) {
  const pair = LABELS[key];
  return pair ? pair[lang === "zh-CN" ? 1 : 0] : key;
}

/** Apply the labels to every element marked with data-i18n under ``root``. */
export function translate(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

export function setLanguage(next) {
  lang = next;
  localStorage.setItem("warroom.lang", lang);
  translate();
}

/** An element whose text is the label ``key`` and follows language switches. */
export function label(key, tag = "span", attrs = {}) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.dataset.i18n = key;
  el.textContent = t(key);
  return el;
}
