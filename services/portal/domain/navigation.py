"""Where the portal may send a browser after sign-in: only its own paths (`next=`)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

HOME = "/"


def safe_next(candidate: str | None) -> str:
    """`candidate` when it is a path of this portal; otherwise the home page.

    Refused: absolute URLs (https://evil), scheme-relative ones (//evil), backslash tricks browsers
    read as `//` (/\\evil), control characters, and anything not starting with a single slash.
    """
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return HOME
    if "\\" in candidate or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate):
        return HOME
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return HOME
    return candidate


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    workspaces: frozenset[str] | None = None  # None: everyone; else only these workspaces (signed in)


# The navigation, in order. A page for a workspace adds its item here when it lands
# (e.g. NavItem("我的申请", "/enterprise/applications", frozenset({"enterprise"}))).
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("首页", HOME),
    NavItem("公示公告", "/public/publicities"),
    NavItem("政策目录", "/policies"),
    NavItem("政策计算器", "/calculator"),
    NavItem("我的申报", "/enterprise/applications", frozenset({"enterprise"})),
    NavItem("链主链核自荐", "/enterprise/selection", frozenset({"enterprise"})),
    NavItem("引荐项目", "/enterprise/referrals", frozenset({"enterprise"})),
    NavItem("拨付分期", "/finance/stages", frozenset({"finance"})),
    NavItem("拨付台账", "/finance/register", frozenset({"finance"})),
    NavItem("预算执行", "/finance/budget-execution", frozenset({"finance"})),
    NavItem("收款单位", "/finance/recipients", frozenset({"finance"})),
    NavItem("预算与分担", "/finance/budgets", frozenset({"finance"})),
    NavItem("领导驾驶舱", "/cockpit", frozenset({"cockpit"})),
    NavItem("待办事项", "/officials/tasks", frozenset({"officials", "chain_office"})),
    NavItem("遴选批次", "/chain-office/rounds", frozenset({"chain_office"})),
    NavItem("异议核实", "/chain-office/objections", frozenset({"chain_office"})),
    NavItem("用户与单位", "/admin/directory", frozenset({"admin"})),
    NavItem("专家库", "/admin/expert-pools", frozenset({"admin"})),
    NavItem("节假日安排", "/admin/calendar-schedules", frozenset({"admin"})),
    NavItem("分档表", "/admin/tier-tables", frozenset({"admin"})),
    NavItem("我的账号", "/account", frozenset({"enterprise", "officials", "chain_office", "finance", "cockpit", "admin"})),
)


def navigation(workspace: str | None) -> list[NavItem]:
    """The items a visitor (workspace None) or a signed-in user of `workspace` sees."""
    return [item for item in NAVIGATION if item.workspaces is None or (workspace is not None and workspace in item.workspaces)]
