"""Deterministic generator of a realistic sample shop: a Tmall home-goods store.

``python -m forecaster.sample_shop --out sample_data`` writes the seven input
tables of forecaster (see :mod:`forecaster.io.schema`) for a shop of about 300
SKUs in five categories, four suppliers and two warehouses, with sales from
2024-01-01 to the as-of date 2026-10-18.

The shop is simulated, not drawn table by table, so that the tables agree with
each other: every SKU x warehouse starts with some stock; each day the
customers ask for a gamma-Poisson number of units (weekly rhythm, yearly
seasonality per category, trend, lifecycle and the 618 / 11.11 / 12.12
promotions), sales are ``min(demand, stock)`` (so stock-outs censor sales), and
a periodic-review order-up-to policy with per-SKU quirks (too generous, too
tight, one-off bad buys) orders from the suppliers, whose deliveries arrive
after a random lead time. Arrived orders are ``receipts``, orders still on the
way at the end are open ``purchase_orders`` and the stock at the end is the
``inventory``.

:func:`generate` returns the tables as data frames with the canonical column
names and values of :mod:`forecaster.io.schema`; :func:`write` writes them in
the shop's own file formats (GBK SKU master with Chinese headers, inventory as
UTF-8 with BOM, ...). Everything is vectorised over SKUs; only the inventory
simulation loops over days, so 10,000 SKUs take a few seconds. Same arguments,
same bytes.

Large shops are simulated in chunks of :data:`CHUNK_SKUS` SKUs (consecutive in
SKU order), one after the other from the same random stream: the per-day arrays
(demand, stock, deliveries; about 110 MB per 1,000 SKUs) then exist for one
chunk at a time, and :func:`write_shop` appends each chunk's sales lines to
``sales.csv`` before the next chunk is drawn, so that a 100,000-SKU shop is
written in about the memory of one chunk. The catalogue, the suppliers' review
days and the small per-order tables are shop-wide. A shop of at most
``chunk_skus`` SKUs is one chunk, so the chunk size changes nothing for it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

DEFAULT_SKUS = 300
DEFAULT_SEED = 20261018
DEFAULT_START = "2024-01-01"
DEFAULT_END = "2026-10-18"

#: Warehouse codes; fast movers are stocked in both, all other SKUs only in the first.
WAREHOUSES: tuple[str, ...] = ("EAST", "SOUTH")
#: Share of a fast mover's demand served from ``EAST`` (the rest from ``SOUTH``).
EAST_SHARE = 0.6
#: Days simulated after the end date so that the order policy can look ahead.
PAD_DAYS = 100
#: A day index later than any simulated day ("never").
NEVER = 10**7
#: z-factor of the simulated planner's safety stock (on a Poisson spread).
SAFETY_Z = 1.3
#: SKUs simulated at once (the shop is drawn chunk by chunk; see the module docstring).
CHUNK_SKUS = 10_000
#: Sales lines formatted and written to ``sales.csv`` at once.
WRITE_ROWS = 500_000

#: The sales-only gift item that is missing from the SKU master (a blemish).
GIFT_SKU = "GIFT-BAG"
#: First day the gift is handed out.
GIFT_START = "2025-03-01"
#: Gift bags handed out per normal day (multiplied by the promotion profile).
GIFT_RATE = 1.5
#: Share of sales rows followed by a return row on the same day.
RETURN_SHARE = 0.01
#: The negative on-hand quantity written into one inventory row (a blemish).
NEGATIVE_ON_HAND = -3

#: Status values: canonical (English) → as the shop writes them.
STATUS_ZH: dict[str, str] = {"active": "在售", "discontinued": "停售"}
#: Headers of ``skus.csv``: canonical column → Chinese header of the shop's ERP export.
SKU_HEADERS_ZH: dict[str, str] = {
    "sku": "商品编码",
    "name": "商品名称",
    "category": "类目",
    "supplier": "供应商",
    "unit_cost": "成本价",
    "unit_price": "售价",
    "lead_time_days": "采购提前期",
    "lead_time_std_days": "提前期标准差",
    "moq": "起订量",
    "case_pack": "箱规",
    "status": "状态",
    "launch_date": "上市日期",
}
#: File name and text encoding of every table written by :func:`write`.
FILE_ENCODINGS: dict[str, tuple[str, str]] = {
    "sales": ("sales.csv", "utf-8"),
    "inventory": ("inventory.csv", "utf-8-sig"),
    "skus": ("skus.csv", "gbk"),
    "purchase_orders": ("purchase_orders.csv", "utf-8"),
    "receipts": ("receipts.csv", "utf-8"),
    "suppliers": ("suppliers.csv", "utf-8"),
    "promotions": ("promotions.csv", "utf-8"),
}
#: Decimals written for the float columns (all other numbers are integers).
FLOAT_DECIMALS: dict[str, int] = {"unit_cost": 2, "unit_price": 2, "uplift": 1}


@dataclass(frozen=True)
class Supplier:
    """A supplier and its terms.

    Attributes
    ----------
    code, name, contact
        Supplier code as used in the SKU master, company name, contact person.
    lead_time_days, lead_time_std_days
        Quoted lead time and the spread of the actual one, in days.
    review_period_days
        Days between two orders to this supplier.
    min_order_value
        Smallest order value the supplier accepts, CNY.
    return_window_days
        Days after receipt within which the supplier takes unsold stock back (0: never).
    moq_choices, case_packs
        Minimum order quantities and case packs its SKUs are drawn from.
    payment_terms, delivery_terms
        What its POs say about paying and delivering.
    """

    code: str
    name: str
    lead_time_days: int
    lead_time_std_days: int
    review_period_days: int
    min_order_value: int
    return_window_days: int
    contact: str
    moq_choices: tuple[int, ...]
    case_packs: tuple[int, ...]
    payment_terms: str = ""
    delivery_terms: str = ""


SUPPLIERS: tuple[Supplier, ...] = (
    Supplier(
        code="SUP-HK",
        name="香港汇优国际贸易有限公司",
        lead_time_days=35,
        lead_time_std_days=7,
        review_period_days=14,
        min_order_value=10000,
        return_window_days=0,
        contact="张经理 135-0000-9753",
        moq_choices=(100, 200, 300, 500),
        case_packs=(12, 24, 48),
        payment_terms="30% 预付, 70% 见提单副本 / 30% deposit, 70% against B/L copy",
        delivery_terms="FOB 深圳 / FOB Shenzhen",
    ),
    Supplier(
        code="SUP-NINGBO",
        name="宁波甬创家居用品有限公司",
        lead_time_days=25,
        lead_time_std_days=4,
        review_period_days=14,
        min_order_value=5000,
        return_window_days=0,
        contact="李小姐 137-0000-2468",
        moq_choices=(0, 48, 96, 200),
        case_packs=(6, 12, 24),
        payment_terms="月结 30 天 / net 30 days",
        delivery_terms="送货到仓 / delivered to the warehouse",
    ),
    Supplier(
        code="SUP-YIWU",
        name="义乌市佳家日用品有限公司",
        lead_time_days=5,
        lead_time_std_days=1,
        review_period_days=7,
        min_order_value=0,
        return_window_days=30,
        contact="王经理 138-0000-1234",
        moq_choices=(0,),
        case_packs=(1, 6, 12),
        payment_terms="货到付款 / cash on delivery",
        delivery_terms="送货到仓 / delivered to the warehouse",
    ),
    Supplier(
        code="SUP-YONGKANG",
        name="永康市恒温杯业有限公司",
        lead_time_days=10,
        lead_time_std_days=2,
        review_period_days=7,
        min_order_value=2000,
        return_window_days=60,
        contact="陈总 139-0000-5678",
        moq_choices=(0, 50, 100, 200),
        case_packs=(12, 24),
        payment_terms="月结 60 天 / net 60 days",
        delivery_terms="送货到仓, 运费供应商承担 / delivered, freight paid",
    ),
)


@dataclass(frozen=True)
class Product:
    """A product line: SKUs are its size x colour variants."""

    name: str
    base_price: float
    sizes: tuple[str, ...]
    colours: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class Category:
    """A shop category.

    Attributes
    ----------
    name, prefix
        Category name (Chinese) and the prefix of its SKU codes.
    share
        Share of the shop's SKUs in this category.
    season_peak_doy, season_amplitude
        Day of year of the seasonal peak and the relative amplitude of the
        yearly cosine (0.3: peak 30 % above, trough 30 % below the mean).
    suppliers
        ``(supplier code, probability)`` pairs the SKUs are bought from.
    products
        Product lines.
    """

    name: str
    prefix: str
    share: float
    season_peak_doy: int
    season_amplitude: float
    suppliers: tuple[tuple[str, float], ...]
    products: tuple[Product, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        name="保温杯/水杯",
        prefix="DW",
        share=0.24,
        season_peak_doy=350,
        season_amplitude=0.35,
        suppliers=(("SUP-YONGKANG", 0.8), ("SUP-YIWU", 0.2)),
        products=(
            Product(
                "316不锈钢保温杯",
                89,
                ("350ml", "500ml", "750ml"),
                ("黑色", "白色", "星空蓝", "樱花粉", "墨绿色"),
            ),
            Product(
                "大容量吸管杯",
                59,
                ("1000ml", "1500ml", "2000ml"),
                ("奶白", "雾霾蓝", "浅紫", "橄榄绿"),
            ),
            Product("玻璃双层咖啡杯", 39, ("250ml", "350ml"), ("透明", "琥珀色")),
            Product("陶瓷马克杯", 29, ("350ml", "450ml"), ("白色", "燕麦色", "灰蓝", "奶油黄")),
            Product("便携茶水分离杯", 69, ("300ml", "450ml"), ("竹青", "檀木色", "月白")),
            Product("保温焖烧杯", 79, ("500ml", "800ml"), ("米白", "粉色", "深灰")),
            Product("儿童防漏水杯", 49, ("400ml", "600ml"), ("恐龙绿", "小熊粉", "海军蓝")),
            Product("运动摇摇杯", 35, ("600ml", "700ml"), ("黑色", "透明")),
            Product("车载保温壶", 129, ("1.2L", "1.6L"), ("银色", "黑色")),
            Product("钛合金轻量保温杯", 169, ("400ml", "550ml"), ("原钛色", "雾蓝", "石墨黑")),
            Product("Tritan运动水壶", 45, ("650ml", "1000ml"), ("透明", "薄荷绿", "浅粉")),
        ),
    ),
    Category(
        name="收纳整理",
        prefix="ST",
        share=0.20,
        season_peak_doy=75,
        season_amplitude=0.15,
        suppliers=(("SUP-YIWU", 0.6), ("SUP-NINGBO", 0.4)),
        products=(
            Product(
                "抽屉式收纳箱", 69, ("小号", "中号", "大号"), ("白色", "透明", "奶茶色", "浅灰")
            ),
            Product("内衣袜子收纳盒", 29, ("6格", "10格", "24格"), ("米白", "浅粉", "灰色")),
            Product("桌面化妆品收纳盒", 39, ("单层", "双层", "三层"), ("透明", "白色")),
            Product("衣柜分格收纳袋", 25, ("3只装", "5只装"), ("灰色", "米色")),
            Product("可折叠收纳筐", 29, ("小号", "大号"), ("燕麦色", "浅灰")),
            Product("真空压缩袋", 45, ("8件套", "12件套")),
            Product("加厚透明鞋盒", 59, ("6个装", "12个装"), ("透明", "白框")),
            Product("厨房调料置物架", 49, ("双层", "三层"), ("白色", "黑色")),
            Product("门后挂钩收纳架", 35, ("5钩", "8钩"), ("白色", "黑色", "胡桃色")),
            Product("床底收纳箱带轮", 79, ("60L", "90L"), ("透明", "灰白")),
            Product("冰箱保鲜收纳盒", 39, ("4件套", "8件套"), ("透明", "奶白")),
            Product("多层鞋架", 89, ("三层", "五层", "七层"), ("白色", "黑色", "原木色")),
        ),
    ),
    Category(
        name="厨房工具",
        prefix="KT",
        share=0.22,
        season_peak_doy=20,
        season_amplitude=0.18,
        suppliers=(("SUP-YIWU", 0.5), ("SUP-NINGBO", 0.5)),
        products=(
            Product("硅胶锅铲", 19.9, ("小号", "大号"), ("黑色", "灰色", "红色", "薄荷绿")),
            Product("不锈钢削皮刀", 15.9, ("单把", "两件套"), ("银色", "黑色")),
            Product("防烫硅胶隔热垫", 12.9, ("圆形", "方形"), ("灰色", "绿色", "橙色")),
            Product("多功能切菜器", 69, ("标准款", "豪华款"), ("白色", "绿色")),
            Product("食品级保鲜盒", 49, ("3件套", "5件套", "10件套")),
            Product("厨房电子秤", 59, ("5kg", "10kg"), ("白色", "黑色")),
            Product("316不锈钢筷子", 39, ("5双装", "10双装"), ("银色", "金色")),
            Product("沥水碗碟架", 89, ("单层", "双层"), ("白色", "灰色")),
            Product("不粘平底锅", 129, ("24cm", "28cm"), ("黑色", "奶白")),
            Product("食品夹", 15.9, ("小号", "大号"), ("黑色", "白色", "绿色")),
            Product("厨房剪刀", 25, ("标准款", "加厚款"), ("黑色", "红色", "银色")),
            Product("调料瓶套装", 39, ("4件套", "6件套", "9件套"), ("玻璃", "陶瓷")),
            Product("实木砧板", 69, ("小号", "中号", "大号"), ("榉木", "胡桃木")),
            Product("硅胶烘焙模具", 29, ("6连", "12连"), ("粉色", "灰色")),
        ),
    ),
    Category(
        name="个人护理",
        prefix="PC",
        share=0.18,
        season_peak_doy=196,
        season_amplitude=0.35,
        suppliers=(("SUP-HK", 0.8), ("SUP-YIWU", 0.2)),
        products=(
            Product("电动牙刷替换刷头", 39, ("4支装", "8支装"), ("白色", "黑色")),
            Product("便携冲牙器", 199, ("标准版", "旅行版"), ("白色", "粉色")),
            Product("清爽防晒喷雾 SPF50", 69, ("100ml", "150ml")),
            Product("氨基酸洗面奶", 59, ("100g", "150g")),
            Product("止汗露", 45, ("50ml", "75ml"), ("清新", "无香")),
            Product("起泡沐浴球", 12.9, ("2只装", "4只装"), ("粉色", "蓝色")),
            Product("负离子卷发梳", 29, ("小号", "大号"), ("黑色", "香槟金")),
            Product("植物驱蚊液", 35, ("60ml", "100ml"), ("儿童款", "成人款")),
            Product("洗脸巾一次性", 19.9, ("60抽", "100抽"), ("加厚款", "珍珠纹")),
            Product("电动剃须刀", 159, ("标准版", "旗舰版"), ("黑色", "银色")),
            Product("护手霜礼盒", 49, ("3支装", "5支装"), ("玫瑰", "白茶", "柑橘")),
            Product("修眉刀", 12.9, ("3支装", "6支装"), ("粉色", "黑色")),
            Product("旅行分装瓶", 29, ("4件套", "8件套"), ("透明", "粉色", "蓝色")),
            Product("按摩洗头刷", 19.9, ("标准",), ("粉色", "绿色", "灰色", "紫色")),
            Product("速干浴帽", 19.9, ("标准",), ("粉色", "灰色", "紫色")),
        ),
    ),
    Category(
        name="宠物用品",
        prefix="PT",
        share=0.16,
        season_peak_doy=120,
        season_amplitude=0.15,
        suppliers=(("SUP-NINGBO", 0.6), ("SUP-YIWU", 0.4)),
        products=(
            Product("全封闭猫砂盆", 129, ("标准", "大号"), ("白色", "灰色")),
            Product("豆腐猫砂", 39, ("6L", "10L"), ("原味", "绿茶", "水蜜桃")),
            Product("宠物饮水机", 99, ("2L", "3L"), ("白色", "浅蓝")),
            Product("瓦楞纸猫抓板", 29, ("小号", "中号", "大号")),
            Product("狗狗牵引绳", 45, ("S", "M", "L"), ("红色", "黑色", "蓝色")),
            Product("宠物梳毛器", 35, ("标准款",), ("粉色", "绿色")),
            Product("自动喂食器", 199, ("3L", "6L"), ("白色",)),
            Product("宠物尿垫", 49, ("50片", "100片"), ("S码", "M码")),
            Product("猫咪逗猫棒", 12.9, ("单根", "5件套"), ("羽毛款", "铃铛款")),
            Product("宠物冬季棉窝", 79, ("S", "M", "L"), ("灰色", "咖啡色")),
            Product("宠物外出背包", 139, ("标准", "加大"), ("透明", "卡其色", "深灰")),
            Product("宠物指甲剪", 25, ("小型犬猫", "中大型犬"), ("粉色", "蓝色")),
            Product("慢食狗碗", 35, ("S", "M", "L"), ("蓝色", "粉色", "绿色")),
        ),
    ),
)

#: Demand classes and their share of the SKUs.
DEMAND_CLASSES: tuple[str, ...] = ("fast", "medium", "intermittent", "dead", "new", "discontinued")
CLASS_SHARES: tuple[float, ...] = (0.15, 0.35, 0.30, 0.08, 0.07, 0.05)
#: Range of the demand level (units/day at the end, or before the stop / fade) per class;
#: for ``intermittent`` it is the rate of demand occurrences (orders/day).
CLASS_LEVELS: tuple[tuple[float, float], ...] = (
    (10, 60),
    (1, 8),
    (0.05, 0.5),
    (0.3, 5),
    (1, 20),
    (0.5, 6),
)
#: Range of the gamma shape of the day-to-day noise per class (smaller: more overdispersed).
CLASS_SHAPES: tuple[tuple[float, float], ...] = ((5, 20), (2, 8), (0.7, 2), (2, 6), (2, 6), (2, 6))

#: Weekday multipliers, Monday first (weekends are busier).
WEEKDAY_FACTORS: tuple[float, ...] = (0.93, 0.90, 0.91, 0.95, 1.00, 1.18, 1.13)

#: Spring Festival days: logistics stop around them and sales dip.
SPRING_FESTIVALS: tuple[str, ...] = ("2024-02-10", "2025-01-29", "2026-02-17")
#: Sales multipliers from 8 days before to 8 days after the Spring Festival.
SPRING_FESTIVAL_DIP: tuple[float, ...] = (
    *(0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.5, 0.45),
    *(0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.85, 0.9),
)


@dataclass(frozen=True)
class PromoShape:
    """Daily sales multipliers around a promotion: the week before, the days of, the days after."""

    before: tuple[float, ...]
    during: tuple[float, ...]
    after: tuple[float, ...]


#: Sales profiles of the recurring promotions (11.11 averages 3x with 8x on the day itself).
PROMO_SHAPES: dict[str, PromoShape] = {
    "618": PromoShape(
        (0.85,) * 7, (4.0, 3.5, *(1.95,) * 14, 2.5, 3.2, 7.0), (0.65, 0.75, 0.85, 0.9, 0.95)
    ),
    "1111": PromoShape(
        (0.75,) * 7, (4.0, 2.5, *(2.0,) * 7, 4.5, 8.0), (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
    ),
    "1212": PromoShape((0.9,) * 5, (1.6, 1.6, 2.8), (0.8, 0.9, 0.95)),
}

#: The promotions table: ``(name, start, end, uplift, category, sku)``; ``None`` = blank.
#: Past promotions without an uplift are simulated with :data:`PROMO_SHAPES`; a past one
#: with an uplift (the category-limited 年货节) is simulated as a flat multiplier.
PROMOTIONS: tuple[tuple[str, str, str, float | None, str, str], ...] = (
    ("618", "2024-05-31", "2024-06-18", None, "", ""),
    ("1111", "2024-11-01", "2024-11-11", None, "", ""),
    ("1212", "2024-12-10", "2024-12-12", None, "", ""),
    ("年货节", "2025-01-08", "2025-01-18", 1.8, "厨房工具", ""),
    ("618", "2025-05-31", "2025-06-18", None, "", ""),
    ("1111", "2025-11-01", "2025-11-11", None, "", ""),
    ("1212", "2025-12-10", "2025-12-12", None, "", ""),
    ("618", "2026-05-31", "2026-06-18", None, "", ""),
    ("1111", "2026-11-01", "2026-11-11", None, "", ""),
    ("1212", "2026-12-10", "2026-12-12", 2.5, "", ""),
)


# --------------------------------------------------------------------------- containers


@dataclass(frozen=True)
class _Catalogue:
    """Per-SKU attributes (arrays of length ``n_skus``, sorted by SKU code).

    Day numbers count from the start date (day 0); ``NEVER`` means "not in this history".
    """

    code: np.ndarray
    name: np.ndarray
    category: np.ndarray  # index into CATEGORIES
    supplier: np.ndarray  # index into SUPPLIERS
    demand_class: np.ndarray  # index into DEMAND_CLASSES
    unit_price: np.ndarray
    unit_cost: np.ndarray
    moq: np.ndarray
    case_pack: np.ndarray
    level: np.ndarray  # units per day (before trend/season/lifecycle)
    mean_size: np.ndarray  # units per demand occurrence
    shape: np.ndarray  # gamma shape of the daily noise
    elasticity: np.ndarray  # exponent applied to promotion multipliers
    slope: np.ndarray  # log trend per year
    season_amplitude: np.ndarray
    launch_day: np.ndarray
    ramp_days: np.ndarray  # time constant of the launch ramp-up
    stop_day: np.ndarray  # dead SKUs: demand stops on this day
    fade_day: np.ndarray  # discontinued SKUs: demand fades from this day
    fade_days: np.ndarray  # time constant of the fading
    order_stop_day: np.ndarray  # no orders from this day on
    overbuy_day: np.ndarray  # day of a one-off excessive order (NEVER: none)
    overbuy_cover: np.ndarray  # days of demand bought by that order

    def take(self, order: np.ndarray) -> _Catalogue:
        """Return the catalogue with every array reordered by ``order``."""
        return _Catalogue(**{f.name: getattr(self, f.name)[order] for f in fields(self)})


@dataclass(frozen=True)
class _Series:
    """Stocking points (SKU x warehouse), sorted by SKU then warehouse."""

    sku: np.ndarray  # index into the catalogue
    warehouse: np.ndarray  # index into WAREHOUSES
    supplier: np.ndarray  # index into SUPPLIERS
    share: np.ndarray  # share of the SKU's demand
    lead: np.ndarray
    lead_std: np.ndarray
    review: np.ndarray
    moq: np.ndarray
    case_pack: np.ndarray
    policy: np.ndarray  # multiplier of the order-up-to level (<1 tight, >1 generous)
    order_start: np.ndarray
    order_stop: np.ndarray
    overbuy_day: np.ndarray
    overbuy_cover: np.ndarray

    def chunk(self, rows: slice, first_sku: int) -> _Series:
        """Return the stocking points ``rows``, their SKU index counted from ``first_sku``."""
        taken = _Series(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})
        return replace(taken, sku=taken.sku - first_sku)


@dataclass(frozen=True)
class _Simulation:
    """Result of the inventory simulation."""

    sales: np.ndarray  # (days, series) units sold
    incoming: np.ndarray  # (days + PAD_DAYS, series) units arriving per day
    order_day: np.ndarray
    order_series: np.ndarray
    order_qty: np.ndarray
    order_arrival: np.ndarray
    opening_stock: np.ndarray  # (series,) stock at the start, received on opening_day
    opening_day: np.ndarray
    end_stock: np.ndarray
    phases: np.ndarray  # (suppliers,) offset of each supplier's review days


@dataclass(frozen=True)
class _Outcome:
    """What the tables after the sales need of the simulation, for all stocking points.

    Orders and receipts are lists of lines (a few per stocking point and month), so
    this stays small when the per-day arrays of :class:`_Simulation` would not.
    """

    n_days: int
    order_day: np.ndarray
    order_series: np.ndarray  # index into the shop's stocking points
    order_qty: np.ndarray
    order_arrival: np.ndarray
    receipts: tuple[np.ndarray, np.ndarray, np.ndarray]  # (series, day, qty) by series, day
    end_stock: np.ndarray
    recent_daily: np.ndarray  # mean units sold over the last 7 days, rounded

    @classmethod
    def of(cls, sim: _Simulation, first_series: int) -> _Outcome:
        """The outcome of a chunk's simulation; its stocking points count from ``first_series``."""
        point, day, qty = _receipt_lines(sim)
        return cls(
            n_days=sim.sales.shape[0],
            order_day=sim.order_day,
            order_series=sim.order_series + first_series,
            order_qty=sim.order_qty,
            order_arrival=sim.order_arrival,
            receipts=(point + first_series, day, qty),
            end_stock=sim.end_stock,
            recent_daily=np.round(sim.sales[-7:].mean(axis=0)).astype(np.int64),
        )

    @classmethod
    def concat(cls, parts: Sequence[_Outcome]) -> _Outcome:
        """Join the outcomes of consecutive chunks (orders stay grouped by chunk)."""
        if len(parts) == 1:
            return parts[0]

        def cat(name: str) -> np.ndarray:
            return np.concatenate([getattr(part, name) for part in parts])

        point, day, qty = (np.concatenate([part.receipts[i] for part in parts]) for i in range(3))
        return cls(
            n_days=parts[0].n_days,
            order_day=cat("order_day"),
            order_series=cat("order_series"),
            order_qty=cat("order_qty"),
            order_arrival=cat("order_arrival"),
            receipts=(point, day, qty),
            end_stock=cat("end_stock"),
            recent_daily=cat("recent_daily"),
        )


# --------------------------------------------------------------------------- helpers


def _allocate(n: int, shares: Sequence[float]) -> np.ndarray:
    """Split ``n`` items into groups proportional to ``shares`` (largest remainder).

    Parameters
    ----------
    n
        Number of items.
    shares
        Relative group sizes.

    Returns
    -------
    numpy.ndarray
        Integer group sizes summing to ``n``.
    """
    weights = np.asarray(shares, dtype=float) / float(np.sum(shares))
    exact = weights * n
    counts = np.floor(exact).astype(np.int64)
    remainder_order = np.argsort(-(exact - counts), kind="stable")
    counts[remainder_order[: n - int(counts.sum())]] += 1
    return counts


def _shuffled_labels(rng: np.random.Generator, n: int, shares: Sequence[float]) -> np.ndarray:
    """Return ``n`` group labels in random order, with group sizes from :func:`_allocate`."""
    labels = np.repeat(np.arange(len(shares)), _allocate(n, shares))
    return rng.permutation(labels)


def _uniform_int(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Draw integers uniformly from ``low`` to ``high`` inclusive."""
    return rng.integers(low, high + 1, size=size)


def _log_uniform(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Draw one value per element, log-uniformly between ``low`` and ``high``."""
    return np.asarray(np.exp(rng.uniform(np.log(low), np.log(high))))


def _day_number(day: str, start: np.datetime64) -> int:
    """Return the day number of an ISO date counted from ``start``."""
    return int((np.datetime64(day, "D") - start) // np.timedelta64(1, "D"))


def _ceil_to_multiple(qty: np.ndarray, multiple: np.ndarray) -> np.ndarray:
    """Round ``qty`` up to a multiple of ``multiple``."""
    return np.asarray(np.ceil(qty / multiple) * multiple)


# --------------------------------------------------------------------------- catalogue


def _product_names(
    rng: np.random.Generator, category: Category, n: int
) -> tuple[list[str], np.ndarray]:
    """Name ``n`` SKUs of a category as product + size + colour variants.

    Variants are drawn without repetition; when a category has more SKUs than
    variants, later rounds are marked as newer generations ("2代", "3代", ...).

    Returns
    -------
    names
        The SKU names.
    base_prices
        Price of each SKU before noise: product price, higher for bigger sizes.
    """
    variants = [
        (product, size_index, size, colour)
        for product in category.products
        for size_index, size in enumerate(product.sizes)
        for colour in product.colours
    ]
    order = rng.permutation(len(variants))
    names: list[str] = []
    prices = np.empty(n)
    for i in range(n):
        product, size_index, size, colour = variants[order[i % len(variants)]]
        generation = i // len(variants)
        parts = [product.name, size, colour, f"{generation + 1}代" if generation else ""]
        names.append(" ".join(part for part in parts if part))
        prices[i] = product.base_price * (1.0 + 0.3 * size_index)
    return names, prices


def _sku_codes(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    """Make SKU codes like ``DW-0012``; a handful are digits with leading zeros (``0045120``)."""
    n = len(category)
    codes = np.empty(n, dtype=object)
    for c, cat in enumerate(CATEGORIES):
        members = np.flatnonzero(category == c)
        numbers = np.cumsum(_uniform_int(rng, 1, 3, len(members)))
        width = max(4, len(str(int(numbers[-1])))) if len(members) else 4
        codes[members] = [f"{cat.prefix}-{int(k):0{width}d}" for k in numbers]
    n_digit = max(1, n // 60)
    chosen = rng.choice(n, size=min(n_digit, n), replace=False)
    numbers = 45000 + np.sort(rng.choice(50000, size=len(chosen), replace=False))
    codes[chosen] = [f"{int(k):07d}" for k in numbers]
    return codes


def _class_draws(
    rng: np.random.Generator, demand_class: np.ndarray, ranges: Sequence[tuple[float, float]]
) -> np.ndarray:
    """Draw a value per SKU, log-uniformly in the range of its demand class."""
    bounds = np.asarray(ranges, dtype=float)[demand_class]
    return _log_uniform(rng, bounds[:, 0], bounds[:, 1])


def _lifecycle_days(
    rng: np.random.Generator, demand_class: np.ndarray, n_days: int
) -> dict[str, np.ndarray]:
    """Draw launch, stop and fade days per SKU from its demand class.

    Returns
    -------
    dict
        ``launch_day``, ``ramp_days``, ``stop_day``, ``fade_day``, ``fade_days``.
    """
    n = len(demand_class)
    last = n_days - 1
    cls = {name: demand_class == i for i, name in enumerate(DEMAND_CLASSES)}
    launch_day = -_uniform_int(rng, 30, 1500, n)
    ramp_days = np.ones(n)
    in_history = (cls["fast"] | cls["medium"] | cls["intermittent"]) & (rng.random(n) < 0.12)
    launch_day = np.where(in_history, _uniform_int(rng, 30, max(31, n_days - 200), n), launch_day)
    ramp_days = np.where(in_history, rng.uniform(5, 30, n), ramp_days)
    launch_day = np.where(cls["new"], last - _uniform_int(rng, 30, 120, n), launch_day)
    ramp_days = np.where(cls["new"], rng.uniform(7, 30, n), ramp_days)
    stop_day = np.where(cls["dead"], last - _uniform_int(rng, 120, 500, n), NEVER)
    fade_day = np.where(cls["discontinued"], last - _uniform_int(rng, 100, 400, n), NEVER)
    fade_days = rng.uniform(40, 150, n)
    return {
        "launch_day": launch_day,
        "ramp_days": ramp_days,
        "stop_day": np.maximum(stop_day, 1),
        "fade_day": np.maximum(fade_day, 1),
        "fade_days": fade_days,
    }


def _order_terms(
    rng: np.random.Generator, supplier: np.ndarray, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw case pack and MOQ per SKU from its supplier's terms.

    Slow SKUs get the smaller case packs and no MOQ above about 60 days of
    demand (the largest of the supplier's MOQ values that fits, possibly 0), as
    a buyer would negotiate. MOQs are the supplier's round numbers, not
    necessarily whole cases.

    Returns
    -------
    case_pack, moq
        Integer arrays.
    """
    n = len(supplier)
    case_pack = np.empty(n, dtype=np.int64)
    moq = np.zeros(n, dtype=np.int64)
    u_pack = rng.random(n)
    u_moq = rng.random(n)
    for s, sup in enumerate(SUPPLIERS):
        members = np.flatnonzero(supplier == s)
        packs = np.asarray(sup.case_packs)
        fits = packs[None, :] <= np.maximum(packs[0], 30 * level[members, None])
        allowed = np.maximum(1, fits.sum(axis=1))
        case_pack[members] = packs[(u_pack[members] * allowed).astype(np.int64)]
        choices = np.asarray(sup.moq_choices)
        wanted = choices[(u_moq[members] * len(choices)).astype(np.int64)]
        cap = 60 * level[members]
        fitting = np.where(choices[None, :] <= cap[:, None], choices[None, :], 0).max(axis=1)
        moq[members] = np.where(wanted <= cap, wanted, fitting)
    return case_pack, moq


def _make_catalogue(rng: np.random.Generator, n_skus: int, n_days: int) -> _Catalogue:
    """Draw the SKUs of the shop: names, prices, terms, demand class and its parameters.

    Parameters
    ----------
    rng
        Random generator.
    n_skus
        Number of SKUs in the master.
    n_days
        Length of the sales history in days.

    Returns
    -------
    _Catalogue
        Sorted by SKU code.
    """
    category = _shuffled_labels(rng, n_skus, [c.share for c in CATEGORIES])
    demand_class = _shuffled_labels(rng, n_skus, CLASS_SHARES)
    names = np.empty(n_skus, dtype=object)
    base_price = np.empty(n_skus)
    supplier = np.empty(n_skus, dtype=np.int64)
    supplier_index = {s.code: i for i, s in enumerate(SUPPLIERS)}
    for c, cat in enumerate(CATEGORIES):
        members = np.flatnonzero(category == c)
        cat_names, cat_prices = _product_names(rng, cat, len(members))
        names[members] = cat_names
        base_price[members] = cat_prices
        codes = [supplier_index[code] for code, _ in cat.suppliers]
        weights = np.array([w for _, w in cat.suppliers])
        supplier[members] = np.asarray(codes)[rng.choice(len(codes), len(members), p=weights)]
    code = _sku_codes(rng, category)

    price = np.maximum(9.9, np.round(base_price * rng.uniform(0.92, 1.08, n_skus)) - 0.1)
    margin = rng.uniform(0.21, 0.69, n_skus)
    cost = np.round(price * (1.0 - margin), 2)

    is_intermittent = demand_class == DEMAND_CLASSES.index("intermittent")
    level = _class_draws(rng, demand_class, CLASS_LEVELS)
    mean_size = np.where(is_intermittent, rng.uniform(1.5, 3.5, n_skus), 1.0)
    level = level * mean_size
    shape = _class_draws(rng, demand_class, CLASS_SHAPES)
    elasticity = rng.uniform(0.75, 1.2, n_skus)
    u = rng.random(n_skus)
    slope = np.where(
        u < 0.2,
        rng.uniform(0.15, 0.45, n_skus),
        np.where(u < 0.4, rng.uniform(-0.45, -0.1, n_skus), rng.normal(0, 0.05, n_skus)),
    )
    new = demand_class == DEMAND_CLASSES.index("new")
    slope = np.where(new, 0.0, slope)
    season_amplitude = np.array([c.season_amplitude for c in CATEGORIES])[category] * rng.uniform(
        0.6, 1.4, n_skus
    )
    life = _lifecycle_days(rng, demand_class, n_days)
    review = np.array([s.review_period_days for s in SUPPLIERS])[supplier]
    order_stop_day = np.full(n_skus, NEVER)
    dead = demand_class == DEMAND_CLASSES.index("dead")
    disc = demand_class == DEMAND_CLASSES.index("discontinued")
    order_stop_day = np.where(
        dead, life["stop_day"] + review + _uniform_int(rng, 0, 40, n_skus), order_stop_day
    )
    order_stop_day = np.where(
        disc, life["fade_day"] + _uniform_int(rng, 0, 30, n_skus), order_stop_day
    )
    case_pack, moq = _order_terms(rng, supplier, level)
    can_overbuy = (demand_class == DEMAND_CLASSES.index("medium")) | is_intermittent
    overbuy = can_overbuy & (rng.random(n_skus) < 0.06)
    overbuy_day = np.where(
        overbuy, _uniform_int(rng, max(0, n_days - 260), max(0, n_days - 60), n_skus), NEVER
    )
    overbuy_cover = rng.uniform(150, 400, n_skus)

    catalogue = _Catalogue(
        code=code,
        name=names,
        category=category,
        supplier=supplier,
        demand_class=demand_class,
        unit_price=price,
        unit_cost=cost,
        moq=moq,
        case_pack=case_pack,
        level=level,
        mean_size=mean_size,
        shape=shape,
        elasticity=elasticity,
        slope=slope,
        season_amplitude=season_amplitude,
        order_stop_day=order_stop_day,
        overbuy_day=overbuy_day,
        overbuy_cover=overbuy_cover,
        **life,
    )
    return catalogue.take(np.argsort(code.astype(str), kind="stable"))


def _make_series(rng: np.random.Generator, cat: _Catalogue) -> _Series:
    """Expand SKUs into stocking points: fast movers in both warehouses, the rest in EAST.

    Each stocking point gets the simulated planner's quirk: 20 % are ordered too
    tightly (stock-outs), 15 % too generously (overstock), the rest about right.
    """
    fast = cat.demand_class == DEMAND_CLASSES.index("fast")
    n_points = np.where(fast, len(WAREHOUSES), 1)
    sku = np.repeat(np.arange(len(cat.code)), n_points)
    first = np.concatenate([[0], np.cumsum(n_points)[:-1]])
    warehouse = np.arange(len(sku)) - np.repeat(first, n_points)
    east = np.clip(EAST_SHARE + rng.uniform(-0.05, 0.05, len(cat.code)), 0, 1)[sku]
    share = np.where(fast[sku], np.where(warehouse == 0, east, 1 - east), 1.0)
    n = len(sku)
    quirk = rng.random(n)
    policy = np.where(
        quirk < 0.2,
        rng.uniform(0.55, 0.85, n),
        np.where(quirk < 0.35, rng.uniform(1.8, 3.5, n), rng.uniform(1.0, 1.3, n)),
    )
    sup = cat.supplier[sku]
    lead = np.array([s.lead_time_days for s in SUPPLIERS])[sup]
    is_east = warehouse == 0
    return _Series(
        sku=sku,
        warehouse=warehouse,
        supplier=sup,
        share=share,
        lead=lead,
        lead_std=np.array([s.lead_time_std_days for s in SUPPLIERS])[sup],
        review=np.array([s.review_period_days for s in SUPPLIERS])[sup],
        moq=cat.moq[sku],
        case_pack=cat.case_pack[sku],
        policy=policy,
        order_start=cat.launch_day[sku] - lead - 3,
        order_stop=cat.order_stop_day[sku],
        overbuy_day=np.where(is_east, cat.overbuy_day[sku], NEVER),
        overbuy_cover=cat.overbuy_cover[sku],
    )


# --------------------------------------------------------------------------- demand


def _promotion_multipliers(dates: np.ndarray, end_day: int) -> np.ndarray:
    """Daily sales multipliers of the past promotions per category.

    Parameters
    ----------
    dates
        Simulated days (``datetime64[D]``).
    end_day
        Day number of the last day of history; later promotions are not simulated.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(dates), len(CATEGORIES))``.
    """
    mult = np.ones((len(dates), len(CATEGORIES)))
    start = dates[0]
    category_index = {c.name: i for i, c in enumerate(CATEGORIES)}
    for name, first, last, uplift, category, _sku in PROMOTIONS:
        first_day = _day_number(first, start)
        if first_day > end_day:
            continue
        columns = np.array([category_index[category]]) if category else np.arange(len(CATEGORIES))
        if uplift is not None:
            profile = (float(uplift),) * (_day_number(last, start) - first_day + 1)
            offset = first_day
        else:
            shape = PROMO_SHAPES[name]
            profile = shape.before + shape.during + shape.after
            offset = first_day - len(shape.before)
        days = offset + np.arange(len(profile))
        keep = (days >= 0) & (days < len(dates))
        mult[np.ix_(days[keep], columns)] *= np.asarray(profile)[keep, None]
    return mult


def _calendar_multipliers(dates: np.ndarray) -> np.ndarray:
    """Weekday rhythm times the Spring Festival dip, one value per day."""
    weekday = (dates.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01 = Thursday
    mult = np.asarray(WEEKDAY_FACTORS)[weekday]
    half = len(SPRING_FESTIVAL_DIP) // 2
    for day in SPRING_FESTIVALS:
        days = _day_number(day, dates[0]) + np.arange(-half, half + 1)
        keep = (days >= 0) & (days < len(dates))
        mult[days[keep]] *= np.asarray(SPRING_FESTIVAL_DIP)[keep]
    return mult


def _sku_rates(cat: _Catalogue, dates: np.ndarray, end_day: int) -> np.ndarray:
    """Expected units per day and SKU, as the planner sees it (dead SKUs not yet stopped).

    Combines level, trend, category seasonality, weekday rhythm, promotions
    (raised to the SKU's elasticity), launch ramp-up and fading.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(dates), n_skus)``.
    """
    t = np.arange(len(dates), dtype=float)[:, None]
    years = (t - end_day) / 365.25
    doy = ((dates - dates.astype("datetime64[Y]")) // np.timedelta64(1, "D")).astype(float)
    peak = np.array([c.season_peak_doy for c in CATEGORIES], dtype=float)[cat.category]
    rate = np.exp(cat.slope[None, :] * years)
    rate *= 1.0 + cat.season_amplitude[None, :] * np.cos(
        2 * np.pi * (doy[:, None] - peak[None, :]) / 365.25
    )
    rate *= cat.level[None, :] * _calendar_multipliers(dates)[:, None]
    promo = _promotion_multipliers(dates, end_day)
    rows = np.flatnonzero((promo != 1.0).any(axis=1))
    rate[rows] *= promo[rows][:, cat.category] ** cat.elasticity[None, :]
    ramping = np.flatnonzero(cat.launch_day > -60)
    if len(ramping):
        since = t - cat.launch_day[ramping][None, :]
        rate[:, ramping] *= np.where(
            since >= 0, -np.expm1(-(since + 1) / cat.ramp_days[ramping][None, :]), 0.0
        )
    fading = np.flatnonzero(cat.fade_day < NEVER)
    if len(fading):
        past = np.maximum(t - cat.fade_day[fading][None, :], 0)
        rate[:, fading] *= np.exp(-past / cat.fade_days[fading][None, :])
    return rate


def _draw_demand(
    rng: np.random.Generator, rate: np.ndarray, mean_size: np.ndarray, shape: np.ndarray
) -> np.ndarray:
    """Draw overdispersed daily demand: gamma-Poisson occurrences times order sizes.

    Parameters
    ----------
    rng
        Random generator.
    rate
        Expected units per day, shape ``(days, series)``.
    mean_size
        Mean units per occurrence per series (1: every occurrence is one unit).
    shape
        Gamma shape of the daily noise per series.

    Returns
    -------
    numpy.ndarray
        Integer demand, same shape as ``rate``.
    """
    expected = rng.gamma(shape[None, :], 1.0 / shape[None, :], size=rate.shape)
    expected *= rate
    expected /= mean_size[None, :]
    occurrences = rng.poisson(expected).astype(np.int32)
    del expected
    lumpy = np.flatnonzero(mean_size > 1.0)
    if len(lumpy):
        extra_mean = occurrences[:, lumpy] * (mean_size[lumpy] - 1.0)[None, :]
        occurrences[:, lumpy] += rng.poisson(extra_mean).astype(np.int32)
    return np.asarray(occurrences)


# --------------------------------------------------------------------------- inventory


def _opening_stock(
    rng: np.random.Generator, series: _Series, rate_cum: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Stock on hand at the start, and the (pre-history) day it was received.

    Stocking points launched later start empty.
    """
    n = len(series.sku)
    cols = np.arange(n)
    window = rate_cum[1 + series.lead + series.review, cols] - rate_cum[1, cols]
    target = series.policy * (window + SAFETY_Z * np.sqrt(window))
    stock = np.round(target * rng.uniform(0.5, 1.3, n)).astype(np.int64)
    stock = np.where(series.order_start <= 0, stock, 0)
    return stock, -_uniform_int(rng, 3, 150, n)


def _order_quantity(
    target: np.ndarray, position: np.ndarray, moq: np.ndarray, case_pack: np.ndarray
) -> np.ndarray:
    """Order-up-to quantity raised to the MOQ and rounded up to whole cases (0: no order)."""
    need = np.ceil(target - position)
    qty = np.where(need > 0, np.maximum(need, moq), 0.0)
    return _ceil_to_multiple(qty, case_pack).astype(np.int64)


def _simulate(
    rng: np.random.Generator,
    series: _Series,
    demand: np.ndarray,
    rate_cum: np.ndarray,
    phases: np.ndarray | None = None,
) -> _Simulation:
    """Run the daily inventory process of all stocking points at once.

    Each day: deliveries arrive, sales are ``min(demand, stock)``, then the
    suppliers due for review get orders up to
    ``policy x (demand over lead time + review period + safety)`` and a few
    stocking points get a one-off excessive order. Lead times are drawn around
    the supplier's.

    Parameters
    ----------
    rng
        Random generator.
    series
        Stocking points.
    demand
        Daily demand, shape ``(days, series)``.
    rate_cum
        Cumulative expected demand as the planner sees it, shape
        ``(days + PAD_DAYS + 1, series)``, starting with a row of zeros.
    phases
        Offset of each supplier's review days (drawn when None: the first chunk
        draws them, the later chunks of the shop reuse them).

    Returns
    -------
    _Simulation
    """
    n_days, n = demand.shape
    horizon = rate_cum.shape[0] - 1
    incoming = np.zeros((horizon, n), dtype=np.int32)
    sales = np.zeros_like(demand)
    opening_stock, opening_day = _opening_stock(rng, series, rate_cum)
    stock = opening_stock.copy()
    on_order = np.zeros(n, dtype=np.int64)
    cover = series.lead + series.review
    if phases is None:
        phases = rng.integers(0, 14, len(SUPPLIERS))
    members = [np.flatnonzero(series.supplier == s) for s in range(len(SUPPLIERS))]
    overbuys = np.flatnonzero(series.overbuy_day < n_days)
    orders: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    day_of_order: list[np.ndarray] = []
    for t in range(n_days):
        stock += incoming[t]
        on_order -= incoming[t]
        np.minimum(demand[t], stock, out=sales[t])
        stock -= sales[t]
        due = [
            members[s]
            for s, sup in enumerate(SUPPLIERS)
            if (t + phases[s]) % sup.review_period_days == 0
        ]
        idx = np.concatenate(due) if due else np.empty(0, dtype=np.int64)
        idx = idx[(series.order_start[idx] <= t) & (t < series.order_stop[idx])]
        window = rate_cum[t + 1 + cover[idx], idx] - rate_cum[t + 1, idx]
        target = series.policy[idx] * (window + SAFETY_Z * np.sqrt(window))
        qty = _order_quantity(
            target, stock[idx] + on_order[idx], series.moq[idx], series.case_pack[idx]
        )
        extra = overbuys[series.overbuy_day[overbuys] == t]
        if len(extra):
            daily = (rate_cum[t + 91, extra] - rate_cum[t + 1, extra]) / 90
            extra_qty = _ceil_to_multiple(
                np.maximum(daily * series.overbuy_cover[extra], 1), series.case_pack[extra]
            ).astype(np.int64)
            idx = np.concatenate([idx, extra])
            qty = np.concatenate([qty, extra_qty])
        placed = qty > 0
        idx, qty = idx[placed], qty[placed]
        if not len(idx):
            continue
        lead = np.maximum(
            1, np.round(series.lead[idx] + series.lead_std[idx] * rng.standard_normal(len(idx)))
        ).astype(np.int64)
        arrival = np.minimum(t + lead, horizon - 1)
        np.add.at(incoming, (arrival, idx), qty)
        np.add.at(on_order, idx, qty)
        orders.append((idx, qty, arrival))
        day_of_order.append(np.full(len(idx), t))
    if orders:
        order_series, order_qty, order_arrival = (
            np.concatenate(x) for x in zip(*orders, strict=True)
        )
        order_day = np.concatenate(day_of_order)
    else:
        order_series = order_qty = order_arrival = order_day = np.empty(0, dtype=np.int64)
    return _Simulation(
        sales=sales,
        incoming=incoming,
        order_day=order_day,
        order_series=order_series,
        order_qty=order_qty,
        order_arrival=order_arrival,
        opening_stock=opening_stock,
        opening_day=opening_day,
        end_stock=stock,
        phases=phases,
    )


# --------------------------------------------------------------------------- tables


def _to_dates(start: np.datetime64, days: np.ndarray) -> pd.Series:
    """Dates ``start + days``; day numbers ``<= -NEVER`` become blank (NaT)."""
    values = start + days.astype("timedelta64[D]")
    values = np.where(days <= -NEVER, np.datetime64("NaT"), values)
    return pd.Series(pd.to_datetime(values), dtype="datetime64[s]")


def _text(labels: Sequence[str] | np.ndarray, index: np.ndarray) -> pd.Series:
    """Text column ``labels[index]``, built in Arrow (fast for millions of rows)."""
    taken = pa.array([str(x) for x in labels], type=pa.large_string()).take(pa.array(index))
    return pd.Series(taken, dtype="str")


def _skus_table(cat: _Catalogue, start: np.datetime64) -> pd.DataFrame:
    """The SKU master with canonical columns and values (status ``active``/``discontinued``)."""
    discontinued = cat.demand_class == DEMAND_CLASSES.index("discontinued")
    return pd.DataFrame(
        {
            "sku": cat.code.astype(str),
            "name": cat.name.astype(str),
            "category": np.array([c.name for c in CATEGORIES])[cat.category],
            "supplier": np.array([s.code for s in SUPPLIERS])[cat.supplier],
            "unit_cost": cat.unit_cost,
            "unit_price": cat.unit_price,
            "lead_time_days": np.array([s.lead_time_days for s in SUPPLIERS])[cat.supplier],
            "lead_time_std_days": np.array([s.lead_time_std_days for s in SUPPLIERS])[cat.supplier],
            "moq": cat.moq,
            "case_pack": cat.case_pack,
            "status": np.where(discontinued, "discontinued", "active"),
            "launch_date": _to_dates(start, cat.launch_day),
        }
    )


def _gift_sales(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    """Daily units of the free gift bag: handed out from GIFT_START, more during promotions."""
    promo = _promotion_multipliers(dates, len(dates) - 1)[:, 0]
    rate = np.where(dates >= np.datetime64(GIFT_START), GIFT_RATE * promo, 0.0)
    return rng.poisson(rate)


def _sales_table(
    rng: np.random.Generator,
    cat: _Catalogue,
    series: _Series,
    sim: _Simulation,
    dates: np.ndarray,
    with_gift: bool = True,
) -> pd.DataFrame:
    """Sales lines: one per SKU x warehouse x day with sales, plus about 1 % return lines.

    The gift bag (missing from the SKU master) is added when ``with_gift`` (to the
    chunk of SKUs it sorts into); rows are sorted by SKU, date and warehouse, a
    return line right after the sale it belongs to.
    """
    n_days = sim.sales.shape[0]
    extra = [GIFT_SKU] if with_gift else []
    codes = np.sort(np.append(cat.code.astype(str), extra))
    position = np.searchsorted(codes, cat.code.astype(str))
    cube = np.zeros((len(codes), n_days, len(WAREHOUSES)), dtype=np.int32)
    cube[position[series.sku], :, series.warehouse] = sim.sales.T
    gift = int(np.searchsorted(codes, GIFT_SKU)) if with_gift else -1
    if with_gift:
        cube[gift, :, 0] = _gift_sales(rng, dates[:n_days])
    sku, day, warehouse = np.nonzero(cube)
    qty = cube[sku, day, warehouse].astype(np.int64)
    is_return = (rng.random(len(qty)) < RETURN_SHARE) & (sku != gift)
    returned = -np.minimum(qty, 1 + (rng.random(len(qty)) < 0.2))
    lines = 1 + is_return.astype(np.int64)
    rows = np.repeat(np.arange(len(qty)), lines)
    out_qty = qty[rows]
    out_qty[(np.cumsum(lines) - 1)[is_return]] = returned[is_return]
    return pd.DataFrame(
        {
            "sku": _text(codes, sku[rows]),
            "date": pd.Series(pd.to_datetime(dates[day[rows]]), dtype="datetime64[s]"),
            "warehouse": _text(WAREHOUSES, warehouse[rows]),
            "qty": out_qty,
        }
    )


def _receipt_lines(sim: _Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Goods receipts (opening stock included) as ``(series, day, qty)``, sorted by series, day."""
    n_days = sim.sales.shape[0]
    series, day = np.nonzero(sim.incoming[:n_days].T)
    qty = sim.incoming[day, series]
    opening = np.flatnonzero(sim.opening_stock > 0)
    series = np.concatenate([opening, series])
    day = np.concatenate([sim.opening_day[opening], day])
    qty = np.concatenate([sim.opening_stock[opening], qty])
    order = np.lexsort((day, series))
    return series[order], day[order], qty[order]


def _receipts_table(
    cat: _Catalogue, series: _Series, outcome: _Outcome, start: np.datetime64
) -> pd.DataFrame:
    """Goods receipts per SKU x warehouse x day (the opening stock dated before the start)."""
    point, day, qty = outcome.receipts
    return pd.DataFrame(
        {
            "sku": _text(cat.code, series.sku[point]),
            "warehouse": _text(WAREHOUSES, series.warehouse[point]),
            "date": _to_dates(start, day),
            "qty": qty.astype(np.int64),
        }
    )


def _inventory_table(
    rng: np.random.Generator,
    cat: _Catalogue,
    series: _Series,
    outcome: _Outcome,
    start: np.datetime64,
) -> pd.DataFrame:
    """Stock at the end per SKU x warehouse, with one negative on-hand row (a blemish).

    ``allocated`` is about a day's sales for fast movers (orders not yet shipped), else 0.
    """
    point, day, _qty = outcome.receipts
    last_receipt = np.full(len(series.sku), -NEVER)
    np.maximum.at(last_receipt, point, day)
    on_hand = outcome.end_stock.astype(np.int64).copy()
    fast = cat.demand_class[series.sku] == DEMAND_CLASSES.index("fast")
    daily = outcome.recent_daily
    allocated = np.where(fast, np.minimum(daily, on_hand), 0)
    candidates = np.flatnonzero((on_hand == 0) & ~fast)
    if not len(candidates):
        candidates = np.flatnonzero(~fast) if (~fast).any() else np.arange(len(on_hand))
    negative = rng.choice(candidates)
    on_hand[negative] = NEGATIVE_ON_HAND
    allocated[negative] = 0
    return pd.DataFrame(
        {
            "sku": _text(cat.code, series.sku),
            "warehouse": _text(WAREHOUSES, series.warehouse),
            "on_hand": on_hand,
            "allocated": allocated.astype(np.int64),
            "last_receipt_date": _to_dates(start, last_receipt),
        }
    )


def _po_numbers(
    order_day: np.ndarray, supplier: np.ndarray, dates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Number the purchase orders: one PO per supplier and order day, ``PO2610-0007``.

    Returns
    -------
    po_ids
        PO number of every distinct ``(day, supplier)``, in chronological order.
    index
        Index into ``po_ids`` of every order line.
    """
    n_sup = len(SUPPLIERS)
    keys, index = np.unique(order_day * n_sup + supplier, return_inverse=True)
    month = dates[keys // n_sup].astype("datetime64[M]")
    sequence = np.arange(len(keys)) - np.searchsorted(month, month, side="left") + 1
    labels = np.datetime_as_string(month)
    po_ids = np.array(
        [f"PO{m[2:4]}{m[5:7]}-{k:04d}" for m, k in zip(labels, sequence, strict=True)], dtype=str
    )
    return po_ids, index.reshape(-1)


def _eta(
    rng: np.random.Generator, quoted: np.ndarray, arrival: np.ndarray, n_days: int
) -> np.ndarray:
    """ETA of open order lines: the quoted arrival, updated to the real one when late.

    One or two lines whose quoted date passed a few days ago keep it: they are
    slightly overdue.
    """
    eta = quoted.copy()
    late = np.flatnonzero(quoted < n_days - 1)
    slightly = late[(quoted[late] >= n_days - 8) & (quoted[late] <= n_days - 3)]
    if not len(slightly) and len(quoted):
        slightly = np.array([int(np.argmin(arrival))])
        quoted = quoted.copy()
        quoted[slightly] = n_days - 3
    keep = rng.choice(slightly, size=min(2, len(slightly)), replace=False)
    eta[late] = arrival[late]
    eta[keep] = quoted[keep]
    return eta


def _purchase_orders_table(
    rng: np.random.Generator,
    cat: _Catalogue,
    series: _Series,
    sim: _Outcome,
    dates: np.ndarray,
) -> pd.DataFrame:
    """Open purchase-order lines: ordered, not yet arrived at the end of the history."""
    n_days = sim.n_days
    po_ids, po_index = _po_numbers(sim.order_day, series.supplier[sim.order_series], dates)
    open_ = np.flatnonzero(sim.order_arrival >= n_days)
    point = sim.order_series[open_]
    quoted = sim.order_day[open_] + series.lead[point]
    eta = _eta(rng, quoted, sim.order_arrival[open_], n_days)
    order = np.lexsort((point, po_index[open_]))
    open_, point, eta = open_[order], point[order], eta[order]
    return pd.DataFrame(
        {
            "po_id": _text(po_ids, po_index[open_]),
            "sku": _text(cat.code, series.sku[point]),
            "warehouse": _text(WAREHOUSES, series.warehouse[point]),
            "qty": sim.order_qty[open_].astype(np.int64),
            "eta": _to_dates(dates[0], eta),
        }
    )


def _suppliers_table() -> pd.DataFrame:
    """The supplier terms, sorted by supplier code."""
    return pd.DataFrame(
        {
            "supplier": [s.code for s in SUPPLIERS],
            "name": [s.name for s in SUPPLIERS],
            "review_period_days": [s.review_period_days for s in SUPPLIERS],
            "min_order_value": [s.min_order_value for s in SUPPLIERS],
            "contact": [s.contact for s in SUPPLIERS],
            "return_window_days": [s.return_window_days for s in SUPPLIERS],
            "payment_terms": [s.payment_terms for s in SUPPLIERS],
            "delivery_terms": [s.delivery_terms for s in SUPPLIERS],
        }
    )


def _promotions_table() -> pd.DataFrame:
    """Past and coming promotions, sorted by start date; a blank uplift is NaN."""
    frame = pd.DataFrame(PROMOTIONS, columns=["name", "start", "end", "uplift", "category", "sku"])
    frame["start"] = pd.to_datetime(frame["start"]).astype("datetime64[s]")
    frame["end"] = pd.to_datetime(frame["end"]).astype("datetime64[s]")
    frame["uplift"] = frame["uplift"].astype(float)
    return frame.sort_values(["start", "name"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- public API


def _simulate_chunk(
    rng: np.random.Generator,
    cat: _Catalogue,
    series: _Series,
    dates: np.ndarray,
    n_days: int,
    phases: np.ndarray | None,
) -> _Simulation:
    """Draw the demand of one chunk of SKUs and run its inventory simulation.

    ``cat`` and ``series`` are the chunk's SKUs and stocking points (``series.sku``
    indexes ``cat``); ``phases`` as for :func:`_simulate`.
    """
    rate = _sku_rates(cat, dates, n_days - 1)[:, series.sku]
    rate *= series.share[None, :]
    demand = _draw_demand(rng, rate[:n_days], cat.mean_size[series.sku], cat.shape[series.sku])
    stopped = np.flatnonzero(cat.stop_day[series.sku] < NEVER)
    demand[:, stopped] *= np.arange(n_days)[:, None] < cat.stop_day[series.sku[stopped]][None, :]
    rate_cum = np.zeros((rate.shape[0] + 1, rate.shape[1]))
    np.cumsum(rate, axis=0, out=rate_cum[1:])
    del rate
    return _simulate(rng, series, demand, rate_cum, phases)


def _simulate_shop(
    n_skus: int,
    seed: int,
    start: str,
    end: str,
    chunk_skus: int,
    take_sales: Callable[[pd.DataFrame], None],
) -> dict[str, pd.DataFrame]:
    """Simulate the shop chunk by chunk; hand each chunk's sales lines to ``take_sales``.

    The sales lines arrive in file order (by SKU, date, warehouse). Returns the
    six other tables (see :func:`generate` for the arguments).
    """
    if n_skus < 1:
        raise ValueError("n_skus must be at least 1")
    if chunk_skus < 1:
        raise ValueError("chunk_skus must be at least 1")
    first, last = np.datetime64(start, "D"), np.datetime64(end, "D")
    n_days = int((last - first) // np.timedelta64(1, "D")) + 1
    if n_days < 2:
        raise ValueError("end must be after start")
    dates = np.arange(first, last + np.timedelta64(PAD_DAYS + 1, "D"))
    rng = np.random.default_rng(seed)
    cat = _make_catalogue(rng, n_skus, n_days)
    series = _make_series(rng, cat)
    # the gift bag's sales go to the chunk of the SKUs it sorts among (the last: after all)
    gift_at = min(int(np.searchsorted(cat.code.astype(str), GIFT_SKU)), n_skus - 1)
    phases: np.ndarray | None = None
    outcomes = []
    for lo in range(0, n_skus, chunk_skus):
        hi = min(lo + chunk_skus, n_skus)
        rows = slice(*(int(i) for i in np.searchsorted(series.sku, [lo, hi])))
        part_cat, part = cat.take(np.arange(lo, hi)), series.chunk(rows, lo)
        sim = _simulate_chunk(rng, part_cat, part, dates, n_days, phases)
        phases = sim.phases
        take_sales(_sales_table(rng, part_cat, part, sim, dates, with_gift=lo <= gift_at < hi))
        outcomes.append(_Outcome.of(sim, rows.start))
        del sim
    outcome = _Outcome.concat(outcomes)
    return {
        "inventory": _inventory_table(rng, cat, series, outcome, first),
        "skus": _skus_table(cat, first),
        "purchase_orders": _purchase_orders_table(rng, cat, series, outcome, dates),
        "receipts": _receipts_table(cat, series, outcome, first),
        "suppliers": _suppliers_table(),
        "promotions": _promotions_table(),
    }


def generate(
    n_skus: int = DEFAULT_SKUS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    chunk_skus: int = CHUNK_SKUS,
) -> dict[str, pd.DataFrame]:
    """Simulate the sample shop and return its seven input tables.

    Parameters
    ----------
    n_skus
        Number of SKUs in the SKU master (the gift bag comes on top).
    seed
        Seed of :func:`numpy.random.default_rng`; same arguments, same tables.
    start, end
        First and last day of the sales history (ISO dates); ``end`` is the as-of date.
    chunk_skus
        SKUs simulated at once (a shop of at most this many SKUs is one chunk;
        a larger one depends on it, as every chunk continues the random stream).

    Returns
    -------
    dict[str, pandas.DataFrame]
        ``sales``, ``inventory``, ``skus``, ``purchase_orders``, ``receipts``,
        ``suppliers`` and ``promotions`` with the canonical column names and
        values of :mod:`forecaster.io.schema`; dates are ``datetime64``, blank
        dates ``NaT``, blank uplifts ``NaN`` and blank texts ``""``. The whole
        shop is in memory: for a large one, :func:`write_shop` writes it chunk by chunk.
    """
    sales: list[pd.DataFrame] = []
    others = _simulate_shop(n_skus, seed, start, end, chunk_skus, sales.append)
    joined = sales[0] if len(sales) == 1 else pd.concat(sales, ignore_index=True)
    return {"sales": joined, **others}


def _format_for_file(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn every column into text: ISO dates, fixed decimals, blanks for NaN / NaT."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            text = np.datetime_as_string(values.to_numpy().astype("datetime64[D]"))
            out[column] = np.where(values.isna().to_numpy(), "", text)
        elif column in FLOAT_DECIMALS:
            spec = f"{{:.{FLOAT_DECIMALS[column]}f}}"
            out[column] = np.array([("" if pd.isna(v) else spec.format(v)) for v in values])
        else:
            out[column] = values.astype(str).to_numpy()
    return pd.DataFrame(out, columns=frame.columns)


class _TableFile:
    """One table's file in the shop's own format, written in slices of :data:`WRITE_ROWS` rows.

    Formatting a slice at a time bounds the Python strings alive at once (every
    formatted cell is one); the header is written once, before the first slice.
    """

    def __init__(self, out_dir: Path, table: str) -> None:
        file_name, encoding = FILE_ENCODINGS[table]
        self._table = table
        self._handle = (out_dir / file_name).open("w", encoding=encoding, newline="")
        self._header = True
        self.rows = 0

    def append(self, frame: pd.DataFrame) -> None:
        """Append rows (in file order)."""
        for begin in range(0, max(len(frame), 1), WRITE_ROWS):
            part = _format_for_file(frame.iloc[begin : begin + WRITE_ROWS])
            if self._table == "skus":
                part["status"] = part["status"].map(STATUS_ZH)
                part = part.rename(columns=SKU_HEADERS_ZH)
            part.to_csv(self._handle, index=False, header=self._header, lineterminator="\n")
            self._header = False
            self.rows += len(part)

    def close(self) -> None:
        """Flush and close the file."""
        self._handle.close()


def _write_table(out_dir: Path, table: str, frame: pd.DataFrame) -> int:
    """Write one whole table; return its rows."""
    file = _TableFile(out_dir, table)
    try:
        file.append(frame)
    finally:
        file.close()
    return file.rows


def write(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write the tables in the shop's own file formats.

    ``skus.csv`` is GBK with Chinese headers and status 在售 / 停售 (as the ERP
    exports it), ``inventory.csv`` UTF-8 with a BOM (as Excel saves it), all
    other files plain UTF-8. Dates are ISO, prices have 2 decimals, lines end
    with ``\\n``; the same tables always give the same bytes.

    Parameters
    ----------
    tables
        Tables as returned by :func:`generate`.
    out_dir
        Folder to write into (created if missing).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for table in FILE_ENCODINGS:
        _write_table(out_dir, table, tables[table])


def write_shop(
    out_dir: Path,
    n_skus: int = DEFAULT_SKUS,
    seed: int = DEFAULT_SEED,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    chunk_skus: int = CHUNK_SKUS,
) -> dict[str, int]:
    """Simulate the shop and write its files chunk by chunk (the same bytes as
    :func:`write` of :func:`generate` with the same arguments).

    Only one chunk's sales lines are in memory at a time; the other tables are
    small and written at the end.

    Returns
    -------
    dict[str, int]
        Rows written per table.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sales = _TableFile(out_dir, "sales")
    try:
        others = _simulate_shop(n_skus, seed, start, end, chunk_skus, sales.append)
    finally:
        sales.close()
    rows = {"sales": sales.rows}
    for table in list(others):
        rows[table] = _write_table(out_dir, table, others.pop(table))
    return rows


def summary(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Count the notable facts of a generated shop (for the README and the CLI).

    Returns
    -------
    dict[str, int]
        Row counts per table and counts of SKU x warehouse rows out of stock,
        badly overstocked (more than 180 days of the last 90 days' sales), with
        stock but no sale in 90 days, launched in the last 120 days, discontinued.
    """
    sales, inventory, skus = tables["sales"], tables["inventory"], tables["skus"]
    end = sales["date"].max()
    recent = sales[sales["date"] > end - pd.Timedelta(days=90)]
    daily = recent.groupby(["sku", "warehouse"])["qty"].sum() / 90
    stock = inventory.set_index(["sku", "warehouse"])["on_hand"]
    rate = daily.reindex(stock.index).fillna(0.0)
    counts = {f"rows_{name}": len(frame) for name, frame in tables.items()}
    counts.update(
        {
            "out_of_stock": int((stock <= 0).sum()),
            "overstocked_180d": int(((stock > 0) & (stock > 180 * rate)).sum()),
            "no_sale_90d_with_stock": int(((stock > 0) & (rate == 0)).sum()),
            "launched_120d": int((skus["launch_date"] > end - pd.Timedelta(days=120)).sum()),
            "discontinued": int((skus["status"] == "discontinued").sum()),
            "open_po_lines": len(tables["purchase_orders"]),
            "overdue_po_lines": int((tables["purchase_orders"]["eta"] < end).sum()),
        }
    )
    return counts


def _readme_text(tables: dict[str, pd.DataFrame], n_skus: int, seed: int) -> str:
    """The ``README.md`` of a generated sample folder, with its counts filled in."""
    facts = summary(tables)
    classes = _allocate(n_skus, CLASS_SHARES)
    class_lines = "\n".join(
        f"| {name} | {count} | {note} |"
        for name, count, note in zip(
            DEMAND_CLASSES,
            classes,
            (
                "10-60 units/day, stocked in EAST and SOUTH (60/40)",
                "1-8 units/day",
                "0.05-0.5 orders/day of 1-several units",
                "demand stopped 120-500 days ago, stock and old receipts remain",
                "launched 30-120 days ago, ramping up",
                "status 停售, demand fading, no more purchase orders",
            ),
            strict=True,
        )
    )
    supplier_lines = "\n".join(
        f"| {s.code} | {s.name} | {s.lead_time_days} ± {s.lead_time_std_days} | "
        f"{s.review_period_days} | {s.min_order_value} | {s.return_window_days or 'none'} |"
        for s in SUPPLIERS
    )
    file_lines = "\n".join(
        f"| `{file_name}` | {encoding} | {facts[f'rows_{table}']} |"
        for table, (file_name, encoding) in FILE_ENCODINGS.items()
    )
    end = tables["sales"]["date"].max().date().isoformat()
    start = tables["sales"]["date"].min().date().isoformat()
    codes = tables["skus"]["sku"]
    digit_codes = ", ".join(f"`{c}`" for c in codes[codes.str.fullmatch(r"\d+")].head(3))
    return f"""# Sample shop

A simulated Tmall home-goods store: {n_skus} SKUs in five categories
({", ".join(c.name for c in CATEGORIES)}), four suppliers, two warehouses
(`EAST`, `SOUTH`), sales from {start} to the as-of date {end}. The coming
11.11 (2026-11-01 … 2026-11-11) is after the end of the history.

Generated by `forecaster/sample_shop.py` (seed {seed}); regenerate with

```
python -m forecaster.sample_shop --out sample_data --skus {n_skus} --seed {seed}
```

The same command always writes the same bytes (a test checks these files
against a fresh run). Do not edit them by hand.

## How it is made

The shop is simulated day by day for every SKU x warehouse: demand is
gamma-Poisson (overdispersed) around a level with trend, a weekly rhythm
(weekends busier), a yearly season per category (drinkware peaks in winter,
personal care in summer), a dip around the Spring Festival and the promotions
618, 11.11 and 12.12 (11.11 about 3x over its window and 8x on the 11th, a
dip the week before and a hangover after). Sales are `min(demand, stock)`, so
stock-outs censor them. A periodic-review order-up-to policy per supplier
orders stock; some SKUs are ordered too tightly (stock-outs), some too
generously, and a few got a one-off bad buy (overstock). Orders arrive after a
random lead time around the supplier's: arrived ones are `receipts`, the rest
open `purchase_orders`; the stock left at the end is `inventory`.

## Files

| file | encoding | rows |
| --- | --- | --- |
{file_lines}

- `sales.csv` — `sku,date,warehouse,qty`: one line per SKU x warehouse x day
  with sales (days without sales are omitted), plus return lines (negative qty).
- `skus.csv` — the SKU master as the ERP exports it: GBK, Chinese headers
  `{",".join(SKU_HEADERS_ZH.values())}`
  (= `{",".join(SKU_HEADERS_ZH)}`), status 在售 (active) / 停售
  (discontinued). Some SKU codes are digits with leading zeros
  ({digit_codes}, ...): read them as text.
- `inventory.csv` — `sku,warehouse,on_hand,allocated,last_receipt_date`,
  UTF-8 with BOM (saved by Excel).
- `purchase_orders.csv` — open POs `po_id,sku,warehouse,qty,eta`, one PO per
  supplier and order day.
- `receipts.csv` — goods receipts `sku,warehouse,date,qty`; the opening stock
  is a receipt dated before {start}.
- `suppliers.csv` —
  `supplier,name,review_period_days,min_order_value,contact,return_window_days,payment_terms,delivery_terms`;
  two suppliers take unsold stock back within 30 or 60 days of receipt.
- `promotions.csv` — `name,start,end,uplift,category,sku`: the past 618, 11.11
  and 12.12 (uplift blank: estimate it from the sales), a past 年货节 limited to
  厨房工具 (uplift 1.8), the coming `1111` (uplift blank) and the coming `1212`
  (uplift 2.5).

## Suppliers

| code | name | lead time (d) | review period (d) | min order value (CNY) | return window (d) |
| --- | --- | --- | --- | --- | --- |
{supplier_lines}

## Demand classes

| class | SKUs | behaviour |
| --- | --- | --- |
{class_lines}

## State at the as-of date

- SKU x warehouse rows out of stock (on hand ≤ 0): {facts["out_of_stock"]}
- badly overstocked (stock > 180 days of the last 90 days' sales): {facts["overstocked_180d"]}
- stock on hand but no sale in 90 days: {facts["no_sale_90d_with_stock"]}
- SKUs launched in the last 120 days: {facts["launched_120d"]}
- SKUs discontinued: {facts["discontinued"]}
- open PO lines: {facts["open_po_lines"]}, of which slightly overdue: {facts["overdue_po_lines"]}

## Deliberate data-quality blemishes

- `{GIFT_SKU}` (赠品, a free gift bag sold at price 0) appears in `sales.csv` but
  not in the SKU master.
- Exactly one inventory row has a negative on hand ({NEGATIVE_ON_HAND}).
- About {RETURN_SHARE:.0%} of the sales lines are followed by a return line
  (negative qty) for the same SKU, warehouse and day.
"""


def write_readme(tables: dict[str, pd.DataFrame], out_dir: Path, n_skus: int, seed: int) -> None:
    """Write ``README.md`` describing the generated shop into ``out_dir``."""
    path = Path(out_dir) / "README.md"
    path.write_text(_readme_text(tables, n_skus, seed), encoding="utf-8", newline="\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m forecaster.sample_shop --out sample_data [--skus N] [--seed S]``.

    Returns
    -------
    int
        Exit code (0).
    """
    parser = argparse.ArgumentParser(
        prog="python -m forecaster.sample_shop",
        description="Generate the deterministic sample shop (seven input tables + README).",
    )
    parser.add_argument("--out", type=Path, default=Path("sample_data"), help="output folder")
    parser.add_argument("--skus", type=int, default=DEFAULT_SKUS, help="number of SKUs")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    tables = generate(n_skus=args.skus, seed=args.seed)
    generated = time.perf_counter() - began
    write(tables, args.out)
    write_readme(tables, args.out, args.skus, args.seed)
    facts: dict[str, Any] = summary(tables)
    for key, value in facts.items():
        print(f"{key:>24}: {value}")
    print(f"generated in {generated:.2f} s, written to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
