"""The form a verified token's claims must have before they become a Principal.

A signature proves who issued a token, not that its claims make sense. Refused (401):
- a subject that is empty, longer than 128 characters, holds an invisible character (zero-width,
  bidi control, C0/C1 control, …) or, once normalised, anything but ASCII letters, digits and `._-@`;
  normalising is NFKC, case folding and trimming, so `Zhang`, ` zhang`, `ｚｈａｎｇ` are one person
  and a Cyrillic `а` in `zhаng` is refused rather than taken for another (four-eyes compares the
  normalised form: infra/four_eyes.py);
- an organisation that is empty, longer than 128 characters or outside `A-Z a-z 0-9 . _ -`; an
  applicant's (enterprise, zone committee) must be a well-formed USCC;
- a region the role cannot hold: see `region_problem`;
- chains not in the registry; a display name over 64 characters or with invisible characters;
- a lifetime (exp − iat) above TOKEN_MAX_LIFETIME_SECONDS.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from contracts.uscc import uscc_problem
from policies.registry import load_registry

SUBJECT_MAX = 128
ORGANISATION_MAX = 128
NAME_MAX = 64
CHAINS_MAX = 32

# Categories never visible in an identifier: controls, format (zero-width, bidi), surrogates,
# private use, unassigned, line and paragraph separators.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
SUBJECT = re.compile(r"[a-z0-9._@-]+")
ORGANISATION = re.compile(r"[A-Za-z0-9._-]+")
REGION_CODE = re.compile(r"[0-9]{6}")

# How the scope filters read each role's region (services/*/service_layer/scope.py, payout finance):
# a county role sees its county; a city role sees the city and its counties; so a city role holding
# the province's code, or a county role holding a city's, would see more than its own.
COUNTY_ROLES = {"county_finance": ("county", "district")}
CITY_ROLES = frozenset({"city_industry_bureau", "city_science_bureau", "city_department", "city_finance_bureau"})
APPLICANT_ROLES = frozenset({"enterprise", "zone_committee"})
LEVEL_ZH = {"province": "省", "city": "设区市", "county": "县", "district": "区"}


class ClaimInvalid(ValueError):
    def __init__(self, claim: str, reason: str):
        super().__init__(f"{claim}: {reason}")
        self.claim = claim
        self.reason = reason


def has_invisible(value: str) -> bool:
    return any(unicodedata.category(char) in INVISIBLE for char in value)


def subject_key(value: str) -> str:
    """The form two subjects are compared in: invisible characters dropped, NFKC, case-folded, trimmed.
    Lenient on purpose: four-eyes also folds subjects stored before tokens were checked."""
    visible = "".join(char for char in value if unicodedata.category(char) not in INVISIBLE)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold()).strip()


def normalise_subject(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ClaimInvalid("sub", "不能为空")
    if len(raw) > 2 * SUBJECT_MAX:
        raise ClaimInvalid("sub", f"长度不能超过{SUBJECT_MAX}个字符")
    if has_invisible(raw):
        raise ClaimInvalid("sub", "含不可见字符 (零宽字符、双向控制符或控制字符)")
    subject = subject_key(raw)
    if not subject:
        raise ClaimInvalid("sub", "不能为空")
    if len(subject) > SUBJECT_MAX:
        raise ClaimInvalid("sub", f"长度不能超过{SUBJECT_MAX}个字符")
    if not SUBJECT.fullmatch(subject):
        raise ClaimInvalid("sub", "只能由英文字母、数字和 . _ - @ 组成 (不接受形近的其他文字字母)")
    return subject


def check_organisation(role: Any, organisation: Any) -> str:
    if not isinstance(organisation, str) or not organisation:
        raise ClaimInvalid("org", "不能为空")
    if len(organisation) > ORGANISATION_MAX:
        raise ClaimInvalid("org", f"长度不能超过{ORGANISATION_MAX}个字符")
    if not ORGANISATION.fullmatch(organisation):
        raise ClaimInvalid("org", "只能由英文字母、数字和 . _ - 组成")
    if role in APPLICANT_ROLES and (problem := uscc_problem(organisation)):
        raise ClaimInvalid("org", f"申报单位的组织标识须为统一社会信用代码: {problem}")
    return organisation


def region_problem(role: Any, region: Any) -> str | None:
    """None when `role` may hold `region`, else the reason.

    County roles must carry a county or district of the registry; city roles, if they carry one, a city
    of the registry; applicants their seat (any 6-digit code below the province: they may be registered
    where no department of ours sits); every other role, any code of the registry (the province's only
    for them: provincial offices, chain roles, provincial competent departments)."""
    if region is None:
        return "县级角色须携带所在县(区)的行政区划代码" if role in COUNTY_ROLES else None
    if not isinstance(region, str) or not REGION_CODE.fullmatch(region):
        return "行政区划代码须为6位数字"
    if role in APPLICANT_ROLES:
        return "申报单位的注册地不能是省级行政区划代码" if region.endswith("0000") else None
    known = load_registry().region_by_code(region)
    if known is None:
        return f"行政区划代码 {region} 不在区划登记表中 (policies/data/registry/regions.yaml)"
    allowed = COUNTY_ROLES.get(role) or (("city",) if role in CITY_ROLES else None)
    if allowed and known.level not in allowed:
        wanted = "或".join(LEVEL_ZH[level] for level in allowed)
        return f"该角色的行政区划须为{wanted}级, {region} ({known.name_zh}) 为{LEVEL_ZH.get(known.level, known.level)}级"
    return None


def check_chains(chains: Any) -> tuple[str, ...]:
    if chains is None:
        return ()
    if not isinstance(chains, list) or len(chains) > CHAINS_MAX:
        raise ClaimInvalid("chains", f"须为不超过{CHAINS_MAX}个产业链标识的列表")
    known = load_registry().chains
    unknown = [chain for chain in chains if not isinstance(chain, str) or chain not in known]
    if unknown:
        raise ClaimInvalid("chains", f"产业链标识不在登记表中: {', '.join(map(str, unknown))[:200]}")
    return tuple(chains)


def check_name(name: Any) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or len(name) > NAME_MAX or has_invisible(name):
        raise ClaimInvalid("name", f"须为不超过{NAME_MAX}个字符且不含不可见字符的文本")
    return name


def check_lifetime(claims: dict[str, Any], max_seconds: int) -> None:
    lifetime = int(claims["exp"]) - int(claims["iat"])
    if lifetime > max_seconds:
        raise ClaimInvalid("exp", f"有效期 {lifetime} 秒超过上限 {max_seconds} 秒")


def checked_claims(claims: dict[str, Any], *, max_lifetime_seconds: int) -> dict[str, Any]:
    """The Principal's fields from verified claims, normalised; ClaimInvalid names the first bad claim."""
    check_lifetime(claims, max_lifetime_seconds)
    role = claims.get("role")
    if (problem := region_problem(role, claims.get("region"))) is not None:
        raise ClaimInvalid("region", problem)
    return {
        "subject": normalise_subject(claims.get("sub")),
        "role": role,
        "organisation": check_organisation(role, claims.get("org")),
        "region": claims.get("region"),
        "chains": check_chains(claims.get("chains")),
        "name": check_name(claims.get("name")),
    }
