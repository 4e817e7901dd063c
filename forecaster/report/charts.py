"""Native Excel charts over the tables of a sheet (openpyxl's chart objects).

A chart holds no data of its own: its series are references to cells of a table
written by :class:`~forecaster.report.excel.SheetWriter`, so Excel, WPS and
LibreOffice draw it from the numbers the planner sees. Every chart here takes
the sheet's title and the rows of its table: the header row (the series names)
and the data rows under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

#: Chart size in centimetres (height, width): about 15 rows by 8 columns of a sheet.
CHART_SIZE = (7.5, 15.0)
#: Sheet rows a chart of :data:`CHART_SIZE` covers.
CHART_ROWS = 16
MUTED_COLOR = "7F7F7F"
ACCENT_COLOR = "C00000"
SALES_COLOR = "1F4E78"
FORECAST_COLOR = "2E75B6"


def cells(title: str, column: int, first: int, last: int) -> Reference:
    """The cells ``first..last`` of column ``column`` (1-based) of sheet ``title``."""
    sheet = "'" + title.replace("'", "''") + "'"
    letter = get_column_letter(column)
    return Reference(range_string=f"{sheet}!${letter}${first}:${letter}${max(first, last)}")


def bar_chart(
    title: str,
    sheet: str,
    header_row: int,
    rows: int,
    values: Sequence[int],
    *,
    labels: int = 1,
    number_format: str = "#,##0",
    horizontal: bool = True,
) -> BarChart:
    """Bars of the columns ``values`` of a table, one bar per data row, labelled by the
    column ``labels``; the header row names the series."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.style = 10
    chart.legend = None if len(values) == 1 else chart.legend
    for column in values:
        chart.add_data(cells(sheet, column, header_row, header_row + rows), titles_from_data=True)
    names = cells(sheet, labels, header_row + 1, header_row + rows)
    for series in chart.series:  # text labels: a string reference (a number one shows 1, 2, ...)
        series.cat = AxDataSource(strRef=StrRef(f=str(names)))
    if horizontal:  # the first row on top, as in the table, and the values' axis below
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = None
    _show_axes(chart)
    chart.height, chart.width = CHART_SIZE
    return chart


def history_chart(title: str, sheet: str, header_row: int, rows: int) -> LineChart:
    """A SKU's weekly sales, then its forecast and p90 (a table of week, sales, forecast,
    p90, blank where a series has no value)."""
    chart = LineChart()
    chart.title = title
    chart.style = 12
    for column, color, dashed in ((2, SALES_COLOR, False), (3, FORECAST_COLOR, False),
                                  (4, ACCENT_COLOR, True)):  # fmt: skip
        chart.add_data(cells(sheet, column, header_row, header_row + rows), titles_from_data=True)
        line = chart.series[-1].graphicalProperties.line
        line.solidFill = color
        line.width = 22000
        if dashed:
            line.dashStyle = "dash"
        chart.series[-1].smooth = False
    chart.set_categories(cells(sheet, 1, header_row + 1, header_row + rows))
    chart.x_axis.number_format = "mm-dd"
    chart.y_axis.number_format = "#,##0"
    chart.legend.position = "b"
    _show_axes(chart)
    chart.height, chart.width = CHART_SIZE
    return chart


def exchange_chart(
    title: str,
    sheet: str,
    header_row: int,
    rows: int,
    *,
    stock: int,
    fill: int,
    names: tuple[str, str],
    axes: tuple[str, str],
) -> ScatterChart:
    """Fill rate against stock: the rule's variants as a line, forecaster as one big point.

    The table starts at ``header_row`` with forecaster on the first data row and the
    rule's variants under it; ``stock`` and ``fill`` are its columns, ``names`` the
    series' (rule, forecaster) and ``axes`` the axis titles (x, y).
    """
    first, last = header_row + 1, header_row + rows
    chart = ScatterChart()
    chart.title = title
    chart.style = 13
    chart.x_axis.title, chart.y_axis.title = axes
    chart.y_axis.number_format = "0%"
    chart.x_axis.number_format = "#,##0"
    _show_axes(chart)
    chart.height, chart.width = 9, 16
    rule = Series(
        cells(sheet, fill, first + 1, last), cells(sheet, stock, first + 1, last), title=names[0]
    )
    rule.marker = Marker(symbol="circle", size=6)
    rule.marker.graphicalProperties = GraphicalProperties(solidFill=MUTED_COLOR)
    rule.graphicalProperties.line.solidFill = MUTED_COLOR
    ours = Series(
        cells(sheet, fill, first, first), cells(sheet, stock, first, first), title=names[1]
    )
    ours.marker = Marker(symbol="diamond", size=14)
    ours.marker.graphicalProperties = GraphicalProperties(solidFill=ACCENT_COLOR)
    ours.marker.graphicalProperties.line.solidFill = ACCENT_COLOR
    ours.graphicalProperties.line.noFill = True
    chart.series.extend([rule, ours])
    return chart


def _show_axes(chart: BarChart | LineChart | ScatterChart) -> None:
    """Keep both axes drawn (openpyxl 3.1 marks them deleted by default)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
