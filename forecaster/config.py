"""Settings: every window, threshold and target of the planner, validated by pydantic.

The defaults in this module are the product defaults; ``configs/default.toml``
restates them with their units (a test keeps the two equal). A TOML file may set
any subset; command-line flags override the file.
"""

from __future__ import annotations

import operator
import re
import tomllib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from forecaster.errors import ConfigError
from forecaster.io.schema import FIRST_DATE, LAST_DATE, MAX_DAYS, TABLES, TableName

#: Longest span in weeks a setting or option may hold (MAX_DAYS in whole weeks).
MAX_WEEKS = MAX_DAYS // 7

Grade = Literal["S", "A", "B", "C"]
Lang = Literal["en", "zh"]
Status = Literal["active", "discontinued"]

#: A span in days (or a count of things) of at least 1; spans beyond MAX_DAYS would make
#: arrays too large to hold, so no setting may reach them.
Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]
DaysOrZero = Annotated[int, Field(ge=0, le=MAX_DAYS)]
#: A span in weeks of at least 1, within MAX_DAYS days.
Weeks = Annotated[int, Field(ge=1, le=MAX_WEEKS)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


def planning_date(day: date) -> date:
    """``day`` if forecaster can plan on it (:data:`~forecaster.io.schema.FIRST_DATE` ..
    :data:`~forecaster.io.schema.LAST_DATE`); else ``ValueError`` saying so."""
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(outside_planning_dates(f"{day:%Y-%m-%d}"))
    return day


def outside_planning_dates(day: str) -> str:
    """The message for a date (as written) outside the dates forecaster plans for."""
    return (
        f"{day} is outside the dates forecaster plans for "
        f"({FIRST_DATE:%Y-%m-%d} .. {LAST_DATE:%Y-%m-%d})"
    )


PlanningDate = Annotated[date, AfterValidator(planning_date)]


def month_day(text: str) -> str:
    """``text`` if the "MM-DD" day exists in every year; else ``ValueError`` saying why.

    02-29 is refused too: a festival on it would vanish three years out of four.

    >>> month_day("06-18")
    '06-18'
    """
    month, day = (int(part) for part in text.split("-"))
    try:
        date(2023, month, day)  # a common year: 02-29 does not exist
    except ValueError:
        leap = " (it exists only in leap years)" if (month, day) == (2, 29) else ""
        raise ValueError(f"{text!r} is not a day of every year{leap}") from None
    return text


class _Section(BaseModel):
    # NaN and infinity are no setting: every number must compare and add as a number.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --------------------------------------------------------------------------- grading rules

GradingMetric = Literal[
    "movement_rate_30d",
    "inventory_age_days",
    "gross_margin",
    "days_since_last_sale",
    "days_of_cover",
    "sell_through_30d",
    "turnover_days",
    "stock_value",
    "lifecycle",
]
#: The one text metric of grading rules, and the values it takes.
STAGE_METRIC = "lifecycle"
Stage = Literal["introduction", "growth", "maturity", "decline"]
STAGES: tuple[Stage, ...] = ("introduction", "growth", "maturity", "decline")

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_CONDITION = re.compile(r"^\s*([a-z_0-9]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")


class Condition(_Section):
    """``metric op value``, e.g. ``inventory_age_days >= 180`` or ``lifecycle == decline``.

    Numeric metrics compare with ``<``, ``<=``, ``>``, ``>=``; ``lifecycle``
    compares with ``==`` or ``!=`` against a stage (introduction, growth,
    maturity, decline). An unknown metric value (NaN, e.g. the age of stock
    with no receipts) never satisfies a condition.
    """

    metric: GradingMetric
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    value: float | Stage

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: object) -> object:
        if not isinstance(data, str):
            return data
        match = _CONDITION.match(data)
        if match is None:
            raise ValueError(
                f"cannot read condition {data!r}: write it as 'metric op value', "
                "e.g. 'inventory_age_days >= 180' or 'lifecycle == decline'"
            )
        metric, op, value = match.groups()
        return {"metric": metric, "op": op, "value": value}

    @model_validator(mode="after")
    def _operator_fits_metric(self) -> Condition:
        if self.metric == STAGE_METRIC:
            if self.op not in ("==", "!=") or self.value not in STAGES:
                raise ValueError(
                    f"condition on {STAGE_METRIC} must read '{STAGE_METRIC} == stage' or "
                    f"'{STAGE_METRIC} != stage' with a stage among {', '.join(STAGES)}"
                )
        elif self.op not in ("<", "<=", ">", ">=") or isinstance(self.value, str):
            raise ValueError(
                f"condition on {self.metric} must compare with <, <=, > or >= to a number"
            )
        return self

    def holds(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Elementwise truth of the condition; NaN never holds, infinity compares as usual."""
        if self.metric == STAGE_METRIC:
            stages = np.asarray(values, dtype=object)
            return np.asarray(_OPERATORS[self.op](stages, self.value), dtype=bool)
        numbers = np.asarray(values, dtype=float)
        held = np.asarray(_OPERATORS[self.op](numbers, self.value), dtype=bool)
        return np.asarray(held & ~np.isnan(numbers))

    def __str__(self) -> str:
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        return f"{self.metric} {self.op} {value}"


class GradeRule(_Section):
    """A slow mover gets ``grade`` when every ``all`` condition holds and, if
    ``any`` is given, at least one of those holds. Rules are tried in order;
    the first match wins, so the last rule should have no conditions."""

    grade: Grade
    all: list[Condition] = []
    any: list[Condition] = []


class GradeAction(_Section):
    action: str
    recovery_rate: Share  # share of the stock value at cost expected back


def _default_rules() -> list[GradeRule]:
    return [
        GradeRule.model_validate(rule)
        for rule in (
            {"grade": "C", "all": ["days_since_last_sale >= 30", "inventory_age_days >= 180"]},
            {
                "grade": "B",
                "any": [
                    "movement_rate_30d < 0.1",
                    "inventory_age_days >= 180",
                    "lifecycle == decline",
                ],
            },
            {"grade": "S", "all": ["gross_margin >= 0.4"]},
            {"grade": "A"},
        )
    ]


def _default_grade_actions() -> dict[Grade, GradeAction]:
    return {
        "S": GradeAction(action="直播专场清仓 live-stream clearance", recovery_rate=0.6),
        "A": GradeAction(action="跨平台分销 cross-platform distribution", recovery_rate=0.5),
        "B": GradeAction(action="拆解再利用 / return to supplier or bundle", recovery_rate=0.3),
        "C": GradeAction(action="拆解再利用 / write-off or rework", recovery_rate=0.1),
    }


# --------------------------------------------------------------------------- sections


class DataSettings(_Section):
    dir: Path = Path("sample_data")


class OutputSettings(_Section):
    dir: Path = Path("out")
    lang: Lang = "en"
    # language of the output file and folder names: "lang" (the workbooks' language) or "en"
    # (English whatever the language, for scripts that look for the files)
    file_names: Literal["en", "lang"] = "lang"
    # SKUs charted on the Charts sheet: the top N by order value and the top N by stock-out risk
    chart_skus: Annotated[int, Field(ge=0, le=100)] = 10
    # most rows of a table sheet (Excel's limit); a longer table goes in full to a Parquet file
    # beside the workbook, and its sheet keeps the rows a planner acts on first
    sheet_rows: Annotated[int, Field(ge=20, le=1_048_576)] = 1_048_576

    def names_lang(self, lang: Lang) -> Lang:
        """The language of the file names of workbooks written in ``lang``."""
        return lang if self.file_names == "lang" else "en"


#: A short text setting (a currency code) and an address printed on a PO.
ShortText = Annotated[str, Field(max_length=20)]
Address = Annotated[str, Field(max_length=500)]


class PurchaseOrderSettings(_Section):
    # currency of the amounts on the POs, for suppliers whose terms give none
    currency: ShortText = "CNY"
    # delivery address per warehouse code, printed as the PO's ship-to
    ship_to: dict[str, Address] = {}
    # ship-to of the warehouses not listed in ship_to (a shop with one warehouse: its address)
    ship_to_default: Address = ""


class PlanningSettings(_Section):
    as_of: PlanningDate | None = None  # planning date; None = the last sales date
    sales_window_days: Days = 30  # trailing window of avg_daily_sales, sell-through, movement rate
    cover_cap_days: Days = 365  # days_of_cover is capped here


class ForecastSettings(_Section):
    history_days: Days = 728  # days of sales history the models see (104 weeks: two seasons)
    validation_origins: Days = 2  # rolling origins each model is validated on per SKU
    validation_weeks: Weeks = 13  # periods held out after each origin (weeks for daily sales)
    combine: Days = 2  # best-validated models averaged per SKU (1: the best alone)
    # mean units per period (week) below which a smooth SKU skips the ETS and Theta fits
    smooth_min_units: Annotated[float, Field(ge=0)] = 20.0
    # ... and the ETS and Theta fits go to the best sellers that together sell this share of units
    smooth_units_share: Share = 0.8
    # pseudo-units of the category's weekday profile mixed into each SKU's own ("auto":
    # estimated from how much the SKUs' profiles differ beyond sampling noise)
    weekday_prior_units: Annotated[float, Field(ge=0)] | Literal["auto"] = "auto"
    workers: Annotated[int, Field(ge=0)] = (
        0  # processes of the statsmodels engine (0: one per core)
    )
    # how ETS and Theta are fitted: "vectorised" (every best seller at once, numpy) or
    # "statsmodels" (series by series in a process pool: the reference, much slower)
    smooth_engine: Literal["vectorised", "statsmodels"] = "vectorised"
    sheet_weeks: Weeks = 13  # weeks of forecast shown on the Forecast sheet
    # planning units fitted at a time: bounds the memory of the fits (the forecast is the same)
    chunk_units: Annotated[int, Field(ge=100, le=10_000_000)] = 10_000


#: Where the forecast's chunks of units run (:mod:`forecaster.parallel`).
EngineKind = Literal["local", "dask"]


class EngineSettings(_Section):
    # where the forecast's chunks run: "local" (this process) or "dask" (a dask.distributed
    # cluster: the scheduler at address, or a LocalCluster of workers on this machine)
    kind: EngineKind = "local"
    address: Annotated[str, Field(max_length=500)] | None = None  # e.g. "tcp://10.0.0.5:8786"
    workers: Annotated[int, Field(ge=1, le=1024)] | None = (
        None  # LocalCluster workers (unset: cores)
    )


class AlertSettings(_Section):
    overstock_cover_days: Days = 90  # OVERSTOCK when days_of_cover exceeds this
    low_sell_through: Share = 0.2  # LOW_SELL_THROUGH when sell_through_30d is below this ...
    low_sell_through_min_age_days: DaysOrZero = 30  # ... for stock older than this
    dead_stock_days: Days = 90  # DEAD_STOCK: stock on hand and no sale in this many days


#: Where the shop sells: which yearly shopping festivals :class:`PromotionSettings` adds.
Market = Literal["cn", "none"]
#: The festivals of each market, first and last day as "MM-DD". ``cn``: Tmall's and JD's
#: 3.8 (Queen's Day, 03-01 .. 03-08), 618 (from the pre-sale on 05-31), 11.11 (from the
#: pre-sale on 11-01) and 12.12. The new-year festival (年货节) follows the lunar calendar,
#: so it cannot be a fixed "MM-DD" span: list it in the promotions table each year.
MARKET_FESTIVALS: dict[str, dict[str, tuple[str, str]]] = {
    "cn": {
        "38": ("03-01", "03-08"),
        "618": ("05-31", "06-18"),
        "1111": ("11-01", "11-11"),
        "1212": ("12-10", "12-12"),
    },
    "none": {},
}


class PromotionSettings(_Section):
    baseline_days: Days = 28  # normal days each side of a past promotion that set its baseline
    guard_days: DaysOrZero = 7  # days next to any promotion that are not normal
    # expected promotion units at which a SKU's own uplift weighs as much as its category's
    uplift_prior_units: Annotated[float, Field(ge=0)] = 30.0
    # the market whose shopping festivals recur every year (MARKET_FESTIVALS)
    market: Market = "cn"
    # the recurring festivals instead of the market's ("MM-DD" first and last day), added to
    # the promotions table for each year it has no promotion of that name; None: the market's
    recurring: dict[str, tuple[MonthDay, MonthDay]] | None = None

    @field_validator("recurring")
    @classmethod
    def _real_days(
        cls, recurring: dict[str, tuple[str, str]] | None
    ) -> dict[str, tuple[str, str]] | None:
        for name, days in (recurring or {}).items():
            for which, text in zip(("first", "last"), days, strict=True):
                try:
                    month_day(text)
                except ValueError as exc:
                    raise ValueError(f"festival {name!r}, {which} day: {exc}") from None
        return recurring

    @property
    def festivals(self) -> dict[str, tuple[str, str]]:
        """The festivals that recur every year: ``recurring`` if given, else the market's."""
        if self.recurring is not None:
            return dict(self.recurring)
        return dict(MARKET_FESTIVALS[self.market])


class LifecycleSettings(_Section):
    introduction_days: Days = 60  # launched (or first sold) within this many days: introduction
    trend_window_days: Days = 56  # recent window compared with the one before it
    growth_ratio: Annotated[float, Field(gt=1.0)] = 1.3  # recent / previous above this: growth
    # ... when the recent window sold at least this many units (a few sales are no trend)
    growth_min_units: Annotated[float, Field(ge=0)] = 8.0
    decline_ratio: Annotated[float, Field(gt=0.0, lt=1.0)] = (
        0.6  # recent / previous below this: decline
    )
    # ... and growth or decline only when the change is beyond this many standard deviations
    # of the unit's own sales noise (0: the ratios alone)
    trend_sigmas: Annotated[float, Field(ge=0.0, le=10.0)] = 2.0


class SlowMoverSettings(_Section):
    cover_days: Days = 90  # slow mover: stock on hand and days_of_cover above this ...
    movement_rate: Share = 0.2  # ... or movement_rate_30d below this
    rules: list[GradeRule] = Field(default_factory=_default_rules)
    grades: dict[Grade, GradeAction] = Field(default_factory=_default_grade_actions)

    @field_validator("rules")
    @classmethod
    def _last_rule_catches_all(cls, rules: list[GradeRule]) -> list[GradeRule]:
        if not rules or rules[-1].all or rules[-1].any:
            raise ValueError("the last grading rule must have no conditions (it grades the rest)")
        return rules

    @field_validator("grades")
    @classmethod
    def _every_grade_has_action(cls, grades: dict[Grade, GradeAction]) -> dict[Grade, GradeAction]:
        missing = sorted(set(Grade.__args__) - set(grades))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"no action for grade(s) {', '.join(missing)}")
        return grades


AbcClass = Literal["A", "B", "C"]
ABC_CLASSES: tuple[AbcClass, ...] = ("A", "B", "C")
FillRate = Annotated[float, Field(gt=0.5, lt=1.0)]


def _default_fill_rates() -> dict[AbcClass, float]:
    return {"A": 0.98, "B": 0.95, "C": 0.90}


class ReplenishmentSettings(_Section):
    # target share of demand served from stock, per ABC class (one number: every class)
    fill_rate: dict[AbcClass, FillRate] = Field(default_factory=_default_fill_rates)
    # cumulative share of revenue that closes class A, then class B (the rest is C)
    abc_shares: tuple[Share, Share] = (0.8, 0.95)
    abc_window_days: Days = 365  # days of sales whose revenue ranks the SKUs
    review_period_days: Days = 7  # for suppliers without their own review period
    max_cover_days: Days = 180  # flag an order whose resulting cover exceeds this
    # intermittent and lumpy units: days of forecast origins whose errors over the
    # protection period give its distribution (0: the normal model for every unit)
    error_window_days: DaysOrZero = 365
    # "class": safety stock placed where it serves most within each ABC class, the class
    # meeting its target; "overall": the same across the whole shop, which meets one target;
    # "sku": every SKU meets its own class's target
    allocation: Literal["class", "overall", "sku"] = "class"
    # with allocation = "overall": the shop's one fill-rate target (None: what the class
    # targets add up to, weighted by each SKU's demand)
    overall_fill_rate: FillRate | None = None
    # demand that finds no stock: "lost" (the customer buys elsewhere; a level then serves
    # like a back-order level higher by the units expected lost, so it is set that much
    # lower) or "backorder" (the customer waits for the next arrival); ``simulate`` replays
    # the same
    unmet_demand: Literal["lost", "backorder"] = "lost"
    # purchase budget of a run at cost; lines that avoid the least stock-out value per unit
    # of cost are cut to fit (None: no budget)
    budget: Annotated[float, Field(gt=0)] | None = None

    @field_validator("fill_rate", mode="before")
    @classmethod
    def _one_rate_for_all(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return dict.fromkeys(ABC_CLASSES, value)
        return value

    @field_validator("fill_rate")
    @classmethod
    def _every_class(cls, rates: dict[AbcClass, float]) -> dict[AbcClass, float]:
        missing = [c for c in ABC_CLASSES if c not in rates]
        if missing:
            raise ValueError(f"no fill rate for class(es) {', '.join(missing)}")
        return rates

    @field_validator("abc_shares")
    @classmethod
    def _shares_increase(cls, shares: tuple[float, float]) -> tuple[float, float]:
        if not shares[0] <= shares[1]:
            raise ValueError("the share closing class A must not exceed the one closing B")
        return shares


def _default_aliases() -> dict[str, list[str]]:
    return {
        "sku": [
            "商品编码",
            "商家编码",
            "SKU编码",
            "sku编码",
            "货号",
            "商品货号",
            "规格编码",
            "物料编码",
            "产品编码",
            "商品ID",
            "StockCode",
            "item_id",
        ],
        "date": [
            "日期",
            "销售日期",
            "下单日期",
            "订单日期",
            "付款日期",
            "业务日期",
            "入库日期",
            "收货日期",
            "InvoiceDate",
        ],
        "qty": [
            "销量",
            "销售数量",
            "数量",
            "商品数量",
            "采购数量",
            "未到货数量",
            "在途数量",
            "入库数量",
            "实收数量",
            "Quantity",
        ],
        "warehouse": ["仓库", "仓库编码", "仓库名称", "发货仓", "仓"],
        "price": ["单价", "成交价", "成交单价", "实付单价", "销售单价", "Price"],
        "order_id": ["订单号", "订单编号", "主订单编号", "子订单编号", "Invoice"],
        "on_hand": ["库存", "库存数量", "实物库存", "现有库存", "在库数量", "库存量"],
        "allocated": ["占用库存", "锁定库存", "预占数量", "已分配", "已分配数量"],
        "last_receipt_date": ["最近入库日期", "最后入库日期", "最近到货日期"],
        "supplier": ["供应商", "供应商编码", "供应商代码", "供应商名称"],
        "name": ["商品名称", "名称", "品名", "活动名称", "Description"],
        "category": ["类目", "品类", "分类", "商品类目", "类别"],
        "unit_cost": ["成本价", "成本", "采购价", "进价", "采购单价"],
        "unit_price": ["售价", "销售价", "零售价", "一口价"],
        "lead_time_days": ["采购提前期", "提前期", "交货期", "采购周期", "提前期(天)"],
        "lead_time_std_days": ["提前期标准差", "交期波动", "提前期波动"],
        "moq": ["起订量", "最小起订量", "最小订货量", "MOQ"],
        "case_pack": ["箱规", "装箱数", "每箱数量", "箱装数", "整箱数量"],
        "status": ["状态", "商品状态", "销售状态"],
        "launch_date": ["上市日期", "上架日期", "首发日期", "上新日期"],
        "eta": ["预计到货日期", "预计到货时间", "到货日期", "交货日期"],
        "po_id": ["采购单号", "采购订单号", "PO号"],
        "review_period_days": ["补货周期", "下单周期", "订货周期"],
        "min_order_value": ["最小订单金额", "起订金额", "最低订单金额"],
        "contact": ["联系人", "联系方式", "联系电话"],
        "currency": ["币种", "货币", "结算币种"],
        "payment_terms": ["付款方式", "付款条件", "结算方式", "账期"],
        "delivery_terms": ["交货条件", "交货方式", "交付条款"],
        "return_window_days": ["退货期限", "退货期限(天)", "可退货天数", "退货天数"],
        "start": ["开始日期", "活动开始", "开始时间"],
        "end": ["结束日期", "活动结束", "结束时间"],
        "uplift": ["提升倍数", "销量倍数", "倍数"],
    }


def _default_table_aliases() -> dict[TableName, dict[str, list[str]]]:
    # In the supplier table, 供应商名称 is the supplier's name, not its code.
    return {"suppliers": {"name": ["供应商名称"]}}


def _default_status_values() -> dict[Status, list[str]]:
    return {
        "active": ["active", "在售", "正常", "上架", "启用"],
        "discontinued": ["discontinued", "停售", "停产", "下架", "淘汰", "清仓", "inactive"],
    }


class ColumnSettings(_Section):
    """How exported headers and status values map onto forecaster's names.

    ``aliases`` apply to every table; ``table_aliases`` are tried first for one
    table. A column already named canonically always wins; among aliases, the
    first one found in the file wins.
    """

    aliases: dict[str, list[str]] = Field(default_factory=_default_aliases)
    table_aliases: dict[TableName, dict[str, list[str]]] = Field(
        default_factory=_default_table_aliases
    )
    status_values: dict[Status, list[str]] = Field(default_factory=_default_status_values)

    @model_validator(mode="after")
    def _known_columns(self) -> ColumnSettings:
        known = {spec.name for table in TABLES.values() for spec in table.columns}
        for name in self.aliases:
            if name not in known:
                raise ValueError(f"aliases: unknown column {name!r}; known: {sorted(known)}")
        for table, mapping in self.table_aliases.items():
            for name in mapping:
                if name not in TABLES[table].column_names:
                    raise ValueError(f"table_aliases.{table}: {name!r} is not a column of {table}")
        return self


def _default_rule_safety_days() -> tuple[int, ...]:
    return (0, 3, 7, 10, 14, 21, 28, 42, 56, 84)


class SimulationSettings(_Section):
    weeks: Weeks = 20  # weekly reviews replayed by ``forecaster simulate``
    # the reference rule: order up to the trailing average of this many days ...
    rule_window_days: Days = 28
    # ... times (lead + review + k) days, for each safety cover k in days
    rule_safety_days: tuple[DaysOrZero, ...] = Field(
        default_factory=_default_rule_safety_days, min_length=1
    )
    seed: Annotated[int, Field(ge=0)] = 0  # draws of the lead-time spread, shared by all policies
    # weeks between estimations of ETS and Theta (the statsmodels fits of the best sellers,
    # most of a plan's time); the reviews in between validate, choose and refit every other
    # model on the data up to the review and forecast ETS and Theta from their fitted states
    # (forecaster.models.rolling). 1: estimate them at every review
    refit_weeks: Weeks = 8


class HistorySettings(_Section):
    # the run archive (DuckDB) every run appends to; unset: history.duckdb in output.dir
    path: Path | None = None
    # a rerun with the same as-of date and the same data: "replace" the earlier run, or "keep" both
    rerun: Literal["replace", "keep"] = "replace"
    # weeks of forecast archived per unit (the lags accuracy can be measured at)
    weeks: Weeks = 13
    # FORECAST_BIAS when a unit's tracking signal (cumulative error / MAD) passes +- this
    tracking_limit: Annotated[float, Field(gt=0)] = 4.0

    def file(self, out_dir: Path) -> Path:
        """The archive's path: ``path``, else ``history.duckdb`` in the output folder."""
        return self.path if self.path is not None else out_dir / "history.duckdb"


class Settings(_Section):
    """All settings of a run; see ``configs/default.toml`` for units."""

    data: DataSettings = DataSettings()
    output: OutputSettings = OutputSettings()
    planning: PlanningSettings = PlanningSettings()
    forecast: ForecastSettings = ForecastSettings()
    alerts: AlertSettings = AlertSettings()
    promotions: PromotionSettings = PromotionSettings()
    lifecycle: LifecycleSettings = LifecycleSettings()
    slow_movers: SlowMoverSettings = SlowMoverSettings()
    replenishment: ReplenishmentSettings = ReplenishmentSettings()
    simulation: SimulationSettings = SimulationSettings()
    purchase_orders: PurchaseOrderSettings = PurchaseOrderSettings()
    columns: ColumnSettings = ColumnSettings()
    history: HistorySettings = HistorySettings()
    engine: EngineSettings = EngineSettings()

    def with_overrides(
        self,
        *,
        data_dir: Path | None = None,
        out_dir: Path | None = None,
        as_of: date | None = None,
        lang: Lang | None = None,
        budget: float | None = None,
        engine: EngineKind | None = None,
        address: str | None = None,
    ) -> Settings:
        """Return a copy with command-line values replacing the file's.

        The values are validated as the file's are (a budget must be a finite number, an
        as-of date within the dates forecaster plans for).

        Raises
        ------
        ConfigError
            Naming the setting and what is wrong with the value.
        """
        changes: dict[str, dict[str, object]] = {
            "replenishment": {"budget": budget},
            "data": {"dir": data_dir},
            "output": {"dir": out_dir, "lang": lang},
            "planning": {"as_of": as_of},
            "engine": {"kind": engine, "address": address},
        }
        update: dict[str, BaseModel] = {}
        for name, values in changes.items():
            given = {key: value for key, value in values.items() if value is not None}
            if given:
                section: BaseModel = getattr(self, name)
                try:
                    update[name] = type(section).model_validate(section.model_dump() | given)
                except ValidationError as exc:
                    raise ConfigError(_describe(exc, section=name)) from exc
        return self.model_copy(update=update)


#: The configuration used when ``--config`` is not given and this file exists.
DEFAULT_CONFIG = Path("configs/default.toml")


def load_settings(path: Path | None) -> Settings:
    """Read and validate a TOML settings file.

    ``None`` reads :data:`DEFAULT_CONFIG` when it exists, else returns the
    built-in defaults (which that file restates).

    Raises
    ------
    ConfigError
        The file is missing, is not valid TOML, or a value is out of range;
        the message names the file and the setting.
    """
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Settings()
        path = DEFAULT_CONFIG
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: configuration file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from exc


#: Settings that moved, by their old place: an old config is told where they went.
MOVED: dict[tuple[str, ...], str] = {("simulation", "unmet_demand"): "[replenishment] unmet_demand"}
#: The prefixes pydantic puts before the message of a validator's exception.
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def _describe(exc: ValidationError, section: str | None = None) -> str:
    """What is wrong, setting by setting, without pydantic's boilerplate: ``[alerts]
    overstock_cover_days = -5: must be greater than or equal to 1``.

    ``section`` is the section the errors' locations are relative to (none: the file's top).
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = (section, *err["loc"]) if section else err["loc"]
        where = _setting_name(loc)
        value = err.get("input")
        if isinstance(value, bool | int | float | str | date) or (
            isinstance(value, list | tuple) and len(value) <= 8
        ):
            where += f" = {_toml_value(value)}"
        message = err["msg"]
        for prefix in _PYDANTIC_PREFIXES:
            message = message.removeprefix(prefix)
        if message.startswith("Input should"):
            message = "must" + message.removeprefix("Input should")
        if err["type"] == "extra_forbidden":
            moved = MOVED.get(tuple(str(part) for part in loc))
            message = f"moved to {moved}" if moved else "unknown setting (check the spelling)"
        problems.append(f"{where}: {message}")
    return "; ".join(problems)


def _setting_name(loc: Sequence[object]) -> str:
    """``[section] key.sub[0]`` as a TOML file spells the place of a setting."""
    if not loc:
        return "(top level)"
    key = ""
    for part in loc[1:]:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"[{loc[0]}] {key.removeprefix('.')}".rstrip()


def _toml_value(value: object) -> str:
    """A value as TOML writes it (strings quoted, lists bracketed)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
