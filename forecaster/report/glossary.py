"""Every column header of the outputs, in English and Chinese, with its number format.

Sheets name their columns by key; this glossary turns keys into headers for
the chosen language, so the headers of all workbooks come from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from forecaster.config import Lang
from forecaster.report.excel import Column, NumberFormat


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
    "review_period_days": Term("Review period (days)", "补货周期(天)", "integer"),
    "return_window_days": Term("Return window (days)", "退货期限(天)", "integer"),
    "warehouse": Term("Warehouse", "仓库"),
    "model": Term("Model", "预测模型"),
    "demand_class": Term("Demand class", "需求类型"),
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
    # promotion check
    "uplift": Term("Uplift", "提升倍数", "number"),
    "uplift_source": Term("Uplift source", "倍数来源"),
    "baseline_demand": Term("Baseline demand", "基线需求", "integer"),
    "promo_demand": Term("Promotion demand", "大促需求", "integer"),
    "shortfall": Term("Shortfall", "缺口", "integer"),
    "order": Term("Order", "建议采购量", "integer"),
    "cover_after_days": Term("Cover after (days)", "活动后可售天数", "days"),
    "excess_after": Term("Excess after", "活动后积压"),
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
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "never": ("never", "从未"),
    "all_warehouses": ("All warehouses", "全部仓库"),
    # lifecycle stages (values of the lifecycle column)
    "introduction": ("introduction", "导入期"),
    "growth": ("growth", "成长期"),
    "maturity": ("maturity", "成熟期"),
    "decline": ("decline", "衰退期"),
    "week_of": ("Week of", "周"),
    "purchase_order": ("Purchase order", "采购单"),
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


def header(key: str, lang: Lang) -> str:
    """The header of ``key`` in ``lang``."""
    term = TERMS[key]
    return term.zh if lang == "zh" else term.en


def columns(keys: Sequence[str], lang: Lang, **widths: float) -> list[Column]:
    """Sheet columns for ``keys``: header in ``lang`` and the key's number format.

    ``widths`` fixes the width of some columns (``why=90``).
    """
    return [Column(key, header(key, lang), TERMS[key].fmt, widths.get(key)) for key in keys]
