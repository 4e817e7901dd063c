"""Every word the outputs show, in English and Chinese: headers, labels and sentences.

Sheets name their columns by key and :func:`header` turns keys into headers;
:func:`label` gives the fixed texts of workbooks and console; :func:`say`
fills the sentence templates of :data:`PHRASES` (the why of an order, the
action and detail of an alert, ...). So ``--lang zh`` changes every fixed text
from this one place, and the stages that write sentences stay free of
language choices beyond passing ``lang`` on.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import pandas as pd

from forecaster.config import Lang

NumberFormat = Literal["text", "integer", "number", "money", "percent", "days", "date"]
"""How a column's numbers are shown; ``text`` is Excel's General format."""


class Term(NamedTuple):
    en: str
    zh: str
    fmt: NumberFormat = "text"


TERMS: dict[str, Term] = {
    # identity
    "sku": Term("SKU", "商品编码"),
    "name": Term("Name", "商品名称"),
    "category": Term("Category", "类目"),
    "supplier": Term("Supplier", "供应商"),
    "supplier_name": Term("Supplier name", "供应商名称"),
    "contact": Term("Contact", "联系人"),
    "currency": Term("Currency", "币种"),
    "payment_terms": Term("Payment terms", "付款方式"),
    "delivery_terms": Term("Delivery terms", "交货条件"),
    "review_period_days": Term("Review period (days)", "补货周期(天)", "integer"),
    "return_window_days": Term("Return window (days)", "退货期限(天)", "integer"),
    "warehouse": Term("Warehouse", "仓库"),
    "model": Term("Model", "预测模型"),
    "demand_class": Term("Demand class", "需求类型"),
    "forecast_basis": Term("Forecast basis", "预测依据"),
    # stock
    "on_hand": Term("On hand", "库存", "integer"),
    "available": Term("Available", "可用库存", "integer"),
    "allocated": Term("Allocated", "占用库存", "integer"),
    "on_order": Term("On order", "在途", "integer"),
    "position": Term("Inventory position", "库存头寸", "integer"),
    "stock_value": Term("Stock value", "库存金额", "money"),
    # health
    "sold_30d": Term("Sold 30d", "近30天销量", "integer"),
    "avg_daily_sales_30d": Term("Avg daily sales 30d", "近30天日均销量", "number"),
    "turnover_days": Term("Turnover days", "库存周转天数", "days"),
    "days_of_cover": Term("Days of cover", "可售天数", "days"),
    "sell_through_30d": Term("Sell-through 30d", "售罄率(30天)", "percent"),
    "movement_rate_30d": Term("Movement rate 30d", "动销率(30天)", "percent"),
    "days_since_last_sale": Term("Days since last sale", "距上次销售天数", "integer"),
    "inventory_age_days": Term("Inventory age days", "库龄(天)", "days"),
    "returnable": Term("Returnable units", "可退货数量", "integer"),
    "gross_margin": Term("Gross margin", "毛利率", "percent"),
    "lifecycle": Term("Lifecycle", "生命周期"),
    "grade": Term("Grade", "滞销等级"),
    # alerts and grades
    "alert": Term("Alert", "预警类型"),
    "severity": Term("Severity", "严重程度"),
    "action": Term("Action", "建议动作"),
    "detail": Term("Detail", "说明"),
    "expected_recovery": Term("Expected cash recovery", "预计回款", "money"),
    # replenishment
    "abc_class": Term("ABC class", "ABC分类"),
    "fill_rate_target": Term("Fill-rate target", "目标满足率", "percent"),
    "lead_time_days": Term("Lead time (days)", "采购提前期(天)", "integer"),
    "protection_days": Term("Protection days", "保护期(天)", "integer"),
    "demand_over_p": Term("Demand over protection", "保护期需求", "integer"),
    "safety_stock": Term("Safety stock", "安全库存", "integer"),
    "order_up_to": Term("Order-up-to", "目标库存", "integer"),
    "suggested_order": Term("Suggested order", "建议采购量", "integer"),
    "cases": Term("Cases", "箱数", "integer"),
    "case_pack": Term("Case pack", "箱规", "integer"),
    "moq": Term("MOQ", "起订量", "integer"),
    "final_order": Term("Final order", "最终采购量", "integer"),
    "unit_cost": Term("Unit cost", "成本价", "money"),
    "order_value": Term("Order value", "采购金额", "money"),
    "order_by": Term("Order by", "最晚下单日", "date"),
    "expected_arrival": Term("Expected arrival", "预计到货日", "date"),
    "requested_delivery": Term("Requested delivery", "要求到货日", "date"),
    "quantity": Term("Quantity", "数量", "integer"),
    "line_value": Term("Line value", "金额", "money"),
    "why": Term("Why", "计算依据"),
    "flag": Term("Flag", "标记"),
    "weekly_sales": Term("Sales", "销量", "integer"),
    "weekly_forecast": Term("Forecast", "预测", "number"),
    "weekly_p90": Term("Forecast p90", "预测P90", "number"),
    "ordered": Term("Ordered lines", "有采购的行", "integer"),
    # flags of an order line (forecaster.inventory.flags)
    "over_cover_cap": Term("Over cover cap", "超出库存天数上限"),
    "new_sku": Term("New SKU", "新品"),
    "below_minimum": Term("Below supplier minimum", "低于供应商起订额"),
    "budget_cut": Term("Cut by budget", "预算削减"),
    "promotion_ahead": Term("Promotion ahead", "保护期内大促"),
    # promotion check
    "uplift": Term("Uplift", "提升倍数", "number"),
    "uplift_source": Term("Uplift source", "倍数来源"),
    "baseline_demand": Term("Baseline demand", "基线需求", "integer"),
    "promo_demand": Term("Promotion demand", "大促需求", "integer"),
    "shortfall": Term("Shortfall", "缺口", "integer"),
    "order": Term("Order", "建议采购量", "integer"),
    "cover_after_days": Term("Cover after (days)", "活动后可售天数", "days"),
    "excess_after": Term("Excess after", "活动后积压"),
    "planned_order": Term("This week's order", "本周建议采购", "integer"),
    "planned_arrival": Term("It arrives", "本周采购到货日", "date"),
    "covered_by_plan": Term("Shortfall it covers", "本周采购覆盖缺口", "integer"),
    "on_top": Term("Still short (on top)", "另需(追加)", "integer"),
    "shortfall_value": Term("Shortfall value", "缺口金额", "money"),
    # forecast
    "forecast_daily": Term("Forecast per day", "日均预测", "number"),
    "p50_28d": Term("P50 next 28d", "未来28天P50", "integer"),
    "p90_28d": Term("P90 next 28d", "未来28天P90", "integer"),
    "p95_28d": Term("P95 next 28d", "未来28天P95", "integer"),
    # summaries
    "lines": Term("Lines", "行数", "integer"),
    "units": Term("Units", "数量", "integer"),
    "value": Term("Value", "金额", "money"),
    "min_order_value": Term("Min order value", "最低起订金额", "money"),
    "status": Term("Status", "状态"),
    "count": Term("Count", "数量", "integer"),
    "high": Term("High", "高", "integer"),
    "medium": Term("Medium", "中", "integer"),
    "low": Term("Low", "低", "integer"),
    # simulation
    "policy": Term("Policy", "补货策略"),
    "safety_days": Term("Rule k (days)", "经验法则安全天数k", "integer"),
    "fill_rate": Term("Fill rate", "满足率", "percent"),
    "gap": Term("Fill - target", "满足率-目标", "percent"),
    "stockout_days": Term("Stock-out days", "缺货天数", "integer"),
    "lines_per_week": Term("Order lines per week", "每周采购行数", "number"),
    "units_ordered": Term("Units ordered", "采购数量", "integer"),
    "order_lines": Term("Order lines", "采购行数", "integer"),
    "demand": Term("Demand", "需求", "integer"),
    "served": Term("Served", "满足数量", "integer"),
    "avg_stock": Term("Avg stock (units)", "平均库存(件)", "number"),
    "rule_stock_value": Term("Rule's stock at same fill", "经验法则同满足率库存", "money"),
    "stock_ratio": Term("Stock / rule's", "库存/经验法则", "number"),
    "bias_p": Term("Bias of protection total", "保护期需求偏差", "percent"),
    "rule_bias_p": Term("Rule's bias", "经验法则偏差", "percent"),
    "rule_fill_rate": Term("Rule fill rate", "经验法则满足率", "percent"),
    "week_start": Term("Week from", "周起始日", "date"),
    # run history: Tracking and Changes sheets (forecaster.history)
    "lag": Term("Lag (weeks ahead)", "提前周数", "integer"),
    "weeks": Term("Weeks evaluated", "评估周数", "integer"),
    "actual_13w": Term("Sold 13w", "近13周销量", "integer"),
    "forecast_13w": Term("Forecast 13w", "近13周预测", "integer"),
    "bias_4w": Term("Bias 4w", "近4周偏差", "percent"),
    "wape_4w": Term("WAPE 4w", "近4周加权误差率", "percent"),
    "bias_13w": Term("Bias 13w", "近13周偏差", "percent"),
    "wape_13w": Term("WAPE 13w", "近13周加权误差率", "percent"),
    "mase_13w": Term("MASE 13w", "近13周标度误差", "number"),
    "fva_13w": Term("Value added vs seasonal naive 13w", "近13周相对季节朴素预测增值", "percent"),
    "wape_13w_lag2": Term("WAPE 13w, 2 weeks ahead", "近13周加权误差率(提前2周)", "percent"),
    "wape_13w_lag4": Term("WAPE 13w, 4 weeks ahead", "近13周加权误差率(提前4周)", "percent"),
    "wape_13w_lag8": Term("WAPE 13w, 8 weeks ahead", "近13周加权误差率(提前8周)", "percent"),
    "tracking_signal": Term("Tracking signal", "跟踪信号", "number"),
    "cum_error": Term("Cumulative error", "累计误差", "number"),
    "mad": Term("Mean abs. error", "平均绝对误差", "number"),
    "previous_order": Term("Last week's order", "上周建议采购", "integer"),
    "order_change": Term("Order change", "采购变化", "integer"),
    "previous_order_up_to": Term("Last week's order-up-to", "上周目标库存", "integer"),
    "order_up_to_change": Term("Order-up-to change", "目标库存变化", "integer"),
    "reason": Term("Reason", "原因"),
    # data quality
    "file": Term("File", "文件"),
    "column": Term("Column", "列"),
    "check": Term("Check", "检查项"),
    "message": Term("Message", "说明"),
    "examples": Term("Examples", "示例"),
}


#: Fixed texts of the workbooks and the console (labels, headings, words).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Replenishment plan", "补货计划"),
    "planning_date": ("Planning date", "计划日期"),
    "as_of": ("as of", "截至"),
    "data_folder": ("Data folder", "数据目录"),
    "files_read": ("Files read", "读取的文件"),
    "per_warehouse": ("Planned per warehouse", "按仓库计划"),
    "skus_planned": ("SKUs planned", "计划SKU数"),
    "planning_units": ("Planning units (SKU x warehouse)", "计划单元(SKU×仓库)"),
    "stock_value": ("Stock value at cost", "库存成本金额"),
    "median_cover": ("Median days of cover", "可售天数中位数"),
    "order_lines": ("Suggested order lines", "建议采购行数"),
    "order_value": ("Suggested order value", "建议采购金额"),
    "slow_value": ("Slow-mover stock value", "滞销库存金额"),
    "expected_recovery": ("Expected cash recovery", "预计回款"),
    "dq_warnings": ("Data-quality warnings", "数据质量警告"),
    "alerts_by_kind": ("Alerts by kind", "预警汇总"),
    "orders_by_supplier": ("Suggested orders by supplier", "各供应商建议采购"),
    "slow_by_grade": ("Slow movers by grade", "滞销品分级汇总"),
    "stock_by_lifecycle": ("Stock by lifecycle stage", "各生命周期库存"),
    "total": ("Total", "合计"),
    "simulation_title": ("Replay of the weekly plan", "补货计划历史回放"),
    "reviews": ("Reviews", "计划次数"),
    "units_short": ("Units planned", "计划单元数"),
    "unmet_demand": ("Unmet demand", "缺货需求"),
    "lost": ("lost", "流失"),
    "backorder": ("back-ordered", "延期交付"),
    "rule": ("Reference rule", "对照经验法则"),
    "rule_text": (
        "order up to the {window}-day average x (lead + review + k days)",
        "补货至近{window}天日均销量 x (提前期 + 补货周期 + k天)",
    ),
    "verdict": ("Verdict", "结论"),
    "by_class": ("Fill rate by ABC class", "各ABC类满足率"),
    "exchange_curve": ("Exchange curve: stock against fill rate", "库存-满足率权衡曲线"),
    "all_units": ("all", "全部"),
    "yes": ("yes", "是"),
    "legend_title": ("How to read the sheets", "表格说明"),
    "legend.red": ("Red rows", "红色行"),
    "legend.input": ("Blue on yellow", "黄底蓝字"),
    "legend.live": ("Cases, Order value, Total", "箱数、采购金额、合计"),
    "legend.bold": ("Bold rows", "粗体行"),
    "legend.bar": ("Bars", "数据条"),
    "legend.infinite": ("∞", "∞(无穷大)"),
    "po_number": ("PO number", "采购单号"),
    "ship_to": ("Ship to", "收货地址"),
    # sheet and file names (issue 17)
    "sheet.summary": ("Summary", "汇总"),
    "sheet.dashboard": ("Dashboard", "看板"),
    "sheet.replenishment": ("Replenishment", "补货建议"),
    "sheet.health": ("Inventory health", "库存健康"),
    "sheet.alerts": ("Alerts", "预警"),
    "sheet.slow_movers": ("Slow movers", "滞销品"),
    "sheet.forecast": ("Forecast", "预测"),
    "sheet.charts": ("Charts", "图表"),
    "sheet.suppliers": ("Suppliers", "供应商"),
    "sheet.data_quality": ("Data quality", "数据质量"),
    "sheet.purchase_order": ("Purchase order", "采购单"),
    "sheet.tracking": ("Tracking", "预测跟踪"),
    "sheet.changes": ("Changes", "周度变化"),
    "tracking_classes": (
        "By ABC class and lag: the error of the forecast made 1, 2, 4 and 8 weeks ahead",
        "按ABC类与提前周数:提前 1、2、4、8 周所做预测的误差",
    ),
    "changes_none": ("no earlier run archived", "存档中无更早的计划"),
    "forecast_last_month": ("Forecast, last 4 weeks", "近4周预测表现"),
    "sheet.promo_check": ("Promo check", "大促检查"),
    "sheet.overall": ("Overall", "总览"),
    "sheet.classes": ("Classes", "分类"),
    "sheet.skus": ("SKUs", "商品明细"),
    "sheet.weeks": ("Weeks", "每周"),
    "file.replenishment": ("replenishment", "补货建议"),
    "file.suppliers": ("suppliers", "供应商"),
    "file.po": ("PO", "采购单"),
    "file.expedite": ("EXPEDITE", "加急单"),
    "file.promo": ("promo", "大促检查"),
    "file.simulation": ("simulation", "补货回放"),
    "ok": ("ok", "正常"),
    "below minimum order value": ("below minimum order value", "低于最低起订金额"),
    "smooth": ("smooth", "平稳需求"),
    "none": ("none", "无销售"),
    "policy.rule": ("rule k={k:g}", "经验法则 k={k:g}"),
    "verdict.head": (
        "{name}: {fill:.1%} fill with {stock} of stock at cost; ",
        "{name}:满足率 {fill:.1%},库存成本 {stock};",
    ),
    "verdict.needs": (
        "your rule needs {at} for {fill:.1%} ({ratio:.2f}x)",
        "经验法则达到 {fill:.1%} 需要 {at}({ratio:.2f} 倍)",
    ),
    "verdict.at_most": (
        "your rule reaches at most {best:.1%} (k = {k:g} days, {stock})",
        "经验法则最多达到 {best:.1%}(k = {k:g} 天,{stock})",
    ),
    "verdict.lean": (
        "your rule serves {lean:.1%} already with its least stock (k = {k:g} days, {stock})",
        "经验法则以最少库存已达到 {lean:.1%}(k = {k:g} 天,{stock})",
    ),
    "cover_spread": ("Units with stock by days of cover", "有库存商品的可售天数分布"),
    "charts_title": (
        "Sales, forecast and p90 of the top {n} SKUs by order value and by stock-out risk",
        "按采购金额与缺货风险排名前 {n} 的商品:销量、预测与P90",
    ),
    "top_order_value": ("top order value", "采购金额靠前"),
    "top_stockout_risk": ("top stock-out risk", "缺货风险靠前"),
    "nothing_to_chart": ("no orders and no stock-out risk this week", "本周无采购、无缺货风险"),
    "flags_title": (
        "Lines to look at (filter the Replenishment sheet on these columns)",
        "需要关注的行(可在补货表按这些列筛选)",
    ),
    "no": ("no", "否"),
    "never": ("never", "从未"),
    "all_warehouses": ("All warehouses", "全部仓库"),
    # codes shown as values: alert kinds, severities, promotion statuses, lifecycle stages
    "OUT_OF_STOCK": ("OUT_OF_STOCK", "缺货"),
    "STOCKOUT_RISK": ("STOCKOUT_RISK", "断货风险"),
    "OVERSTOCK": ("OVERSTOCK", "库存积压"),
    "LOW_SELL_THROUGH": ("LOW_SELL_THROUGH", "售罄率低"),
    "DEAD_STOCK": ("DEAD_STOCK", "呆滞库存"),
    "FORECAST_BIAS": ("FORECAST_BIAS", "预测偏差"),
    "high": ("high", "高"),
    "medium": ("medium", "中"),
    "low": ("low", "低"),
    "warning": ("warning", "警告"),
    "TOO LATE": ("TOO LATE", "来不及"),
    "ORDER NOW": ("ORDER NOW", "立即下单"),
    "OK": ("OK", "充足"),
    "EXCESS AFTER": ("EXCESS AFTER", "活动后积压"),
    "erratic": ("erratic", "波动需求"),
    "intermittent": ("intermittent", "间歇需求"),
    "lumpy": ("lumpy", "块状需求"),
    "introduction": ("introduction", "导入期"),
    "growth": ("growth", "成长期"),
    "maturity": ("maturity", "成熟期"),
    "decline": ("decline", "衰退期"),
    "week_of": ("Week of", "周"),
    "purchase_order": ("Purchase order", "采购单"),
    "expedite_order": ("Expedite order for {promo}", "{promo} 加急采购单"),
    "promo_title": ("Pre-promotion stock check", "大促备货检查"),
    "promo_dates": ("Promotion dates", "活动日期"),
    "by_status": ("SKUs by status", "各状态SKU数"),
    "shortfall_by_supplier": ("Shortfall by supplier", "各供应商缺口"),
    "supplier_code": ("Supplier", "供应商编码"),
    "po_date": ("PO date", "下单日期"),
    "contact": ("Contact", "联系人"),
    "po_total": ("Order total", "订单总额"),
    "note": ("Note", "备注"),
    "below_minimum": (
        "order value {value:,.2f} is below the supplier's minimum of {minimum:,.2f}",
        "订单金额 {value:,.2f} 低于供应商最低起订金额 {minimum:,.2f}",
    ),
}


def label(key: str, lang: Lang) -> str:
    """The fixed text ``key`` in ``lang``."""
    en, zh = LABELS[key]
    return zh if lang == "zh" else en


def sheet_name(key: str, lang: Lang) -> str:
    """The name of sheet ``key`` (``summary``, ``replenishment``, ...) in ``lang``: the
    ``sheet.<key>`` label. Every sheet is created under this name, and read back under
    either language's."""
    return label(f"sheet.{key}", lang)


def file_word(key: str, lang: Lang) -> str:
    """The fixed part ``key`` (``replenishment``, ``suppliers``, ``po``, ...) of an output
    file or folder name in ``lang``: the ``file.<key>`` label."""
    return label(f"file.{key}", lang)


def in_words(codes: pd.Series, lang: Lang) -> pd.Series:
    """Code values (alert kinds, severities, statuses, lifecycle stages) as ``lang`` shows them;
    English shows the codes themselves, and values without a label stay as they are."""
    if lang == "en":
        return codes
    return codes.map(lambda code: label(code, lang) if code in LABELS else code)


def header(key: str, lang: Lang) -> str:
    """The header of ``key`` in ``lang``."""
    term = TERMS[key]
    return term.zh if lang == "zh" else term.en


#: Sentence templates (``str.format``) of the texts the stages write: the why of an
#: order, the action and detail of an alert, the notes of the order rules and the
#: promotion check. Values the language does not need are ignored (``s`` for plurals).
PHRASES: dict[str, tuple[str, str]] = {
    "sep": ("; ", ";"),
    # why of a suggested order
    "why.discontinued": ("discontinued: no new orders", "已停售:不再下单"),
    "why.decline": ("; decline: no safety stock", ";衰退期:不留安全库存"),
    "why.lost": (
        "; lost sales leave stock on the shelf: level {lost:,.0f} lower",
        ";缺货即流失,未售出的库存留待下期:目标库存降低 {lost:,.0f}",
    ),
    "basis.category": (
        "new: {days:g} d of its own sales, {share:.0%} of the forecast borrowed from "
        "category {category}",
        "新品:自身销售仅 {days:g} 天,预测的 {share:.0%} 借自类目 {category}",
    ),
    "basis.shop": (
        "new: {days:g} d of its own sales, {share:.0%} of the forecast borrowed from the "
        "shop's established SKUs",
        "新品:自身销售仅 {days:g} 天,预测的 {share:.0%} 借自全店成熟商品",
    ),
    "why.no_demand": (
        "no demand forecast over the {days} d protection period: no order",
        "保护期 {days} 天内无预测需求:不下单",
    ),
    "why.head": (
        "{days} d protection ({lead:g} lead + {review:g} review): demand {mean:,.0f} ± "
        "{sd:,.0f}, safety {safety:,.0f} → expected fill {own:.1%} (class {abc} target "
        "{fill:.0%}{basis}), position {position:,.0f}",
        "保护期 {days} 天(提前期 {lead:g} + 补货周期 {review:g}):需求 {mean:,.0f} ± "
        "{sd:,.0f},安全库存 {safety:,.0f} → 预计满足率 {own:.1%}({abc} 类目标 {fill:.0%}{basis}),"
        "库存头寸 {position:,.0f}",
    ),
    "why.errors": (
        "; spread from its own forecast errors over {spans:.1f} protection periods and its "
        "{cls} class's",
        ";波动取自自身 {spans:.1f} 个保护期的预测误差及{cls}类商品",
    ),
    "why.recent": (
        ", around its last {days} days' rate ({recent:,.0f} over the period)",
        ",以近 {days} 天的销售速度为中心(期内 {recent:,.0f})",
    ),
    "why.enough": (" ≥ order-up-to {level:,.0f}: no order", " ≥ 目标库存 {level:,.0f}:不下单"),
    "why.need": (" → need {need:,.0f}", " → 需补 {need:,.0f}"),
    "why.moq_ok": (" → MOQ {moq:,.0f} ok", " → 起订量 {moq:,.0f} 已满足"),
    "why.moq_raises": (
        " → MOQ {moq:,.0f} raises it to {qty:,.0f}",
        " → 起订量 {moq:,.0f} 提至 {qty:,.0f}",
    ),
    "why.cases": (
        " → {cases:,.0f} case{s} of {pack:,.0f} = {qty:,.0f}",
        " → {cases:,.0f} 箱 × {pack:,.0f} = {qty:,.0f}",
    ),
    "why.over_cap": (
        "; rounding leaves {cover:,.0f} d of cover (> {cap} d cap)",
        ";取整后可售 {cover:,.0f} 天(超过上限 {cap} 天)",
    ),
    "why.topped_up": (
        "; topped up by {qty:,.0f} to reach {supplier}'s minimum order value {minimum:,.0f}",
        ";为达到 {supplier} 的最低起订金额 {minimum:,.0f} 加订 {qty:,.0f}",
    ),
    "legend.red": (
        "a stock-out alert (OUT_OF_STOCK, STOCKOUT_RISK) on Replenishment and Inventory "
        "health; a high-severity alert on Alerts",
        "有缺货或断货风险预警:见补货建议与库存健康;预警表中为高严重度",
    ),
    "legend.input": (
        "Final order on Replenishment: the cell you edit before forecaster po --from",
        "补货建议中的最终采购量:按需修改此格,再据此重新生成采购单",
    ),
    "legend.live": (
        "formulas over Final order: they follow your edits (totals count the rows the "
        "filter shows)",
        "基于最终采购量的公式:随修改自动更新(合计只计筛选后显示的行)",
    ),
    "legend.bold": (
        "totals; on Inventory health, a SKU across its warehouses",
        "合计;库存健康中为某商品各仓库之和",
    ),
    "legend.bar": (
        "days of cover on Inventory health: the longer, the more cover",
        "库存健康中的可售天数:越长越多",
    ),
    "legend.infinite": ("turnover days of a SKU that sold nothing", "无销量商品的周转天数"),
    "why.promotion": (
        "; includes {names} (up to ×{uplift:.1f}: +{units:,.0f} of the demand)",
        ";含 {names}(最高 ×{uplift:.1f}:需求 +{units:,.0f})",
    ),
    "why.below_minimum": (
        "; {supplier} order total {value:,.0f} is below its minimum {minimum:,.0f} and no "
        "line can take more within the cover cap: add lines or hold",
        ";{supplier} 订单总额 {value:,.0f} 低于最低起订金额 {minimum:,.0f},且在可售天数上限内"
        "无法再加量:请加行或暂缓",
    ),
    "why.cut_by_budget": (
        "; cut by the budget of {budget:,.0f}: it avoids {ratio:.2f} of lost sales per 1 "
        "spent, less than the lines kept",
        ";因预算 {budget:,.0f} 删去:每花 1 元只避免 {ratio:.2f} 元缺货损失,低于保留的行",
    ),
    # alerts: actions and details
    "alert.expedite_po": (
        "expedite the open PO ({qty:,.0f} units due {eta})",
        "催促在途采购单({qty:,.0f} 件,预计 {eta} 到货)",
    ),
    "alert.order_expedite": ("order now and expedite", "立即下单并加急"),
    "alert.order_too_late": (
        "order now and expedite: an order today arrives after the stock runs out",
        "立即下单并加急:今天下单也要在断货之后才到货",
    ),
    "alert.order_now": ("order now", "立即下单"),
    "alert.nothing_available": (
        "nothing available; forecast {daily:.1f}/day",
        "无可用库存;预测日销 {daily:.1f}",
    ),
    "alert.cover_short": (
        "cover {cover:.1f} d < {days:g} d protection ({lead:g} lead + {review:g} review)",
        "可售 {cover:.1f} 天 < 保护期 {days:g} 天(提前期 {lead:g} + 补货周期 {review:g})",
    ),
    "alert.overstock": (
        "cover {at_least}{cover:.0f} d > {limit} d; {qty:,.0f} on hand worth {value:,.0f}",
        "可售 {at_least}{cover:.0f} 天 > {limit} 天;库存 {qty:,.0f},金额 {value:,.0f}",
    ),
    "alert.low_sell_through": (
        "sell-through {rate:.0%} over the last 30 d; stock {age:.0f} d old",
        "近30天售罄率 {rate:.0%};库龄 {age:.0f} 天",
    ),
    "alert.never_sold": ("never sold", "从未售出"),
    "alert.no_sale_in": ("no sale in {days:.0f} d", "{days:.0f} 天无销售"),
    "alert.stock_worth": (
        "; {qty:,.0f} on hand worth {value:,.0f}",
        ";库存 {qty:,.0f},金额 {value:,.0f}",
    ),
    "alert.promote": ("promote (discount, bundle or feature it)", "促销(打折、组合或重点推广)"),
    "alert.clear_as_grade": ("clear as grade {grade} ({action})", "按 {grade} 级处理({action})"),
    "alert.clear": ("clear it", "清理"),
    "alert.transfer": (
        "transfer {qty:,.0f} units to {warehouse}",
        "调拨 {qty:,.0f} 件到 {warehouse}",
    ),
    "alert.return": (
        "return {qty:,.0f} units to {supplier} (received within its {days:g}-day return window)",
        "退货 {qty:,.0f} 件给 {supplier}(在其 {days:g} 天退货期内入库)",
    ),
    "alert.remaining": ("the remaining {qty:,.0f}: {action}", "其余 {qty:,.0f} 件:{action}"),
    "alert.bias_high": (
        "review the forecast: it ran above the sales week after week (order less)",
        "复核预测:连续多周高于实际销量(少订)",
    ),
    "alert.bias_low": (
        "review the forecast: it ran below the sales week after week (order more)",
        "复核预测:连续多周低于实际销量(多订)",
    ),
    "alert.bias_detail": (
        "tracking signal {signal:+.1f} beyond ±{limit:g} over {weeks} week(s): cumulative "
        "error {error:+,.0f}, mean absolute error {mad:,.1f} (forecast 1 week ahead)",
        "跟踪信号 {signal:+.1f} 超过 ±{limit:g}({weeks} 周):累计误差 {error:+,.0f},"
        "平均绝对误差 {mad:,.1f}(提前1周预测)",
    ),
    # a table too long for its sheet (forecaster.report.side_tables)
    "sheet_cut": (
        "{shown:,} of {total:,} rows shown (what to act on first: orders, alerts, slow "
        "movers); all {total:,} rows are in {file}, beside this workbook",
        "仅显示 {total:,} 行中的 {shown:,} 行(优先显示需处理的:订单、预警、滞销);"
        "全部 {total:,} 行见本工作簿旁的 {file}",
    ),
    # run history sheets and summary (forecaster.history)
    "tracking_title": (
        "Forecast accuracy: archived forecasts against the sales that came (as of {date})",
        "预测准确度:历史预测与实际销量对比(截至 {date})",
    ),
    "tracking_units": (
        "By unit, largest tracking signal first (FORECAST_BIAS beyond ±{limit:g}, where the "
        "error is more than sales noise: over 2√(forecast total))",
        "按商品,跟踪信号绝对值从大到小(超过 ±{limit:g} 且累计误差超过 2√(预测合计) 时预警)",
    ),
    "tracking_none": (
        "no forecast of an earlier run has come due yet: the archive holds {runs} earlier run(s)",
        "尚无到期的历史预测:存档中有 {runs} 次更早的计划",
    ),
    "changes_title": (
        "This week's plan against the run of {date}",
        "本周计划与 {date} 的计划对比",
    ),
    "forecast_last_month_text": (
        "made 1 week ahead: bias {bias:+.0%}, WAPE {wape:.0%} over {actual:,.0f} units sold "
        "({weeks} unit-weeks); {flagged} unit(s) FORECAST_BIAS",
        "提前1周预测:偏差 {bias:+.0%},加权误差率 {wape:.0%},实际销量 {actual:,.0f}"
        "({weeks} 个商品周);{flagged} 个商品预测偏差预警",
    ),
    # week-over-week changes (forecaster.history.changes)
    "change.new": ("new: not in the run of {date}", "新增:{date} 的计划中没有"),
    "change.forecast_up": (
        "forecast up {share:.0%} (demand over protection {before:,.0f} → {after:,.0f})",
        "预测上调 {share:.0%}(保护期需求 {before:,.0f} → {after:,.0f})",
    ),
    "change.forecast_down": (
        "forecast down {share:.0%} (demand over protection {before:,.0f} → {after:,.0f})",
        "预测下调 {share:.0%}(保护期需求 {before:,.0f} → {after:,.0f})",
    ),
    "change.last_week": (
        " after {actual:,.0f} sold last week against {forecast:,.0f} forecast",
        ",上周实际销售 {actual:,.0f},预测为 {forecast:,.0f}",
    ),
    "change.safety": (
        "safety stock {before:,.0f} → {after:,.0f}",
        "安全库存 {before:,.0f} → {after:,.0f}",
    ),
    "change.po_arrived": (
        "a PO arrived: on order {before:,.0f} → {after:,.0f}, on hand {on_hand_before:,.0f} → "
        "{on_hand:,.0f}",
        "采购到货:在途 {before:,.0f} → {after:,.0f},在库 {on_hand_before:,.0f} → {on_hand:,.0f}",
    ),
    "change.po_placed": (
        "more on order: {before:,.0f} → {after:,.0f}",
        "在途增加:{before:,.0f} → {after:,.0f}",
    ),
    "change.position": (
        "stock position {before:,.0f} → {after:,.0f}",
        "库存头寸 {before:,.0f} → {after:,.0f}",
    ),
    "change.order_up_to": (
        "order-up-to {before:,.0f} → {after:,.0f}: demand over protection {demand_before:,.0f} "
        "→ {demand:,.0f}, safety stock {safety_before:,.0f} → {safety:,.0f}",
        "目标库存 {before:,.0f} → {after:,.0f}:保护期需求 {demand_before:,.0f} → {demand:,.0f},"
        "安全库存 {safety_before:,.0f} → {safety:,.0f}",
    ),
    "change.lead_time": (
        "lead time {before:g} → {after:g} d",
        "提前期 {before:g} → {after:g} 天",
    ),
    "change.abc_class": ("class {before} → {after}", "分类 {before} → {after}"),
    # promotion check
    "promo.given": ("given", "已填写"),
    "promo.no_past": (
        "no past {name}: 1.0 assumed, give an uplift",
        "无历史 {name}:按 1.0 计,请填写提升倍数",
    ),
    "promo.no_normal": (
        "no normal sales around {n} past {name}: 1.0 assumed",
        "{n} 次历史 {name} 前后无正常销售:按 1.0 计",
    ),
    "promo.past": ("{n} past {name}", "{n} 次历史 {name}"),
    "promo.category": ("category {group}", "类目 {group}"),
    "promo.shop": ("shop", "全店"),
    "promo.no_own": (
        "{group} {value:.2f} (no own sales in {past})",
        "{group} {value:.2f}({past} 中本品无销售)",
    ),
    "promo.own": (
        "own {own:.2f} from {past}, weight {weight:.0%}; {group} {value:.2f}",
        "本品 {own:.2f}(来自 {past},权重 {weight:.0%});{group} {value:.2f}",
    ),
    "promo.cases": (" = {cases:.0f} cases of {pack:.0f}", " = {cases:.0f} 箱 × {pack:.0f}"),
    "promo.expedite": (
        "Expedite {qty:,.0f}{cases}: short {short:,.0f}, order-by {by:%Y-%m-%d} passed",
        "加急采购 {qty:,.0f}{cases}:缺口 {short:,.0f},最晚下单日 {by:%Y-%m-%d} 已过",
    ),
    "promo.order_now": (
        "Order {qty:,.0f}{cases} now: short {short:,.0f}, order by {by:%Y-%m-%d}",
        "立即下单 {qty:,.0f}{cases}:缺口 {short:,.0f},最晚 {by:%Y-%m-%d} 下单",
    ),
    "promo.order_by": (
        "Order {qty:,.0f}{cases} by {by:%Y-%m-%d}: short {short:,.0f}",
        "{by:%Y-%m-%d} 前下单 {qty:,.0f}{cases}:缺口 {short:,.0f}",
    ),
    "promo.covered": ("Stock covers the promotion", "库存足以覆盖活动"),
    "promo.plan_late": (
        "; this week's order of {qty:,.0f} arrives {at:%Y-%m-%d}, after the start: "
        "{more:,.0f} on top of it",
        ";本周建议采购 {qty:,.0f} 于 {at:%Y-%m-%d} 到货,晚于活动开始:另需 {more:,.0f}",
    ),
    "promo.plan_covers": (
        "; this week's order of {qty:,.0f} (arriving {at:%Y-%m-%d}) covers {covered:,.0f} of it: "
        "{more:,.0f} on top",
        ";本周建议采购 {qty:,.0f}({at:%Y-%m-%d} 到货)覆盖缺口 {covered:,.0f}:另需 {more:,.0f}",
    ),
    "promo.excess": (
        "; stock left lasts {cover:.0f} d after it: order less or plan a clearance",
        ";活动后剩余库存可售 {cover:.0f} 天:少订或安排清仓",
    ),
}


def say(key: str, lang: Lang, **values: Any) -> str:
    """The sentence ``key`` in ``lang``, filled with ``values``.

    >>> say("why.need", "en", need=222), say("why.need", "zh", need=222)
    (' → need 222', ' → 需补 222')
    """
    en, zh = PHRASES[key]
    return (zh if lang == "zh" else en).format(**values)
