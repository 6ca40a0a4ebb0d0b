"""The policy core of duixian: the rules of the seeds as data plus pure functions.

    policies.catalogue  load_catalogue() -> Catalogue of clauses (文号, clause, caps, departments …)
    policies.calculator calculate(clause_id, facts, prior, tables) -> Determination
    policies.tables     TierTable / TierTables: 表1–表6, loaded as data (none shipped)
    policies.criteria   evaluate(kind, chain, facts) / chain_member_inclusion(facts)
    policies.registry   regions, departments, key chains
    policies.calendar   WorkingDayCalendar: statutory working days and deadlines
    policies.errors     PolicyError and its subclasses

It imports nothing from services/, workflows/, infra/ or contracts/. See docs/policies.md.
"""
