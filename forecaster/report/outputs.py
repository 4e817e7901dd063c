"""Write every output file of a run into an :class:`OutputStage`."""

from __future__ import annotations

from forecaster.plan import Plan
from forecaster.progress import Progress
from forecaster.report.purchase_orders import supplier_lines, write_supplier_workbooks
from forecaster.report.staging import OutputStage
from forecaster.report.summary import summarise
from forecaster.report.workbook import planner_workbook_name, write_planner_workbook


def write_outputs(plan: Plan, stage: OutputStage, progress: Progress) -> None:
    """The planner's workbook and one PO workbook per supplier with an order."""
    lang = plan.settings.output.lang
    names = plan.settings.output.names_lang(lang)
    lines = supplier_lines(plan)
    suppliers = lines["supplier"].nunique()
    with progress.stage("Writing workbooks", total=1 + suppliers) as advance:
        workbook = stage.path(planner_workbook_name(plan.as_of, names))
        write_planner_workbook(plan, summarise(plan), workbook, lang, stage.path)
        advance(1)
        ds = plan.dataset
        terms = plan.settings.purchase_orders
        write_supplier_workbooks(
            lines, ds.suppliers, plan.as_of, ds.per_warehouse, stage, terms, lang, names
        )
        advance(suppliers)
