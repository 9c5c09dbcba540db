"""HTML views of the enforcement app (the REST API lives in enforcement/api.py)."""

from enforcement.views.dashboard import dashboard
from enforcement.views.detail import case_detail, register_case
from enforcement.views.edit import case_edit, compliance_check_add, fine_edit, order_edit
from enforcement.views.lists import case_list, case_list_csv, case_list_json, register, register_decisions

__all__ = [
    "case_detail",
    "case_edit",
    "case_list",
    "case_list_csv",
    "case_list_json",
    "compliance_check_add",
    "dashboard",
    "fine_edit",
    "order_edit",
    "register",
    "register_case",
    "register_decisions",
]
