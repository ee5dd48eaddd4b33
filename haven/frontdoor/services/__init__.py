"""Every front-door write, one module a stage of the work (DESIGN.md, rule 1)."""
