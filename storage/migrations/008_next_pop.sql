-- A next POP: a new row of action_plans that points to the plan it follows (the one whose
-- actions it evaluated, handbook 4.3). The older plan stays as it was, readable and printable.
-- A plan has at most one next POP, so a form sent twice never makes two.
ALTER TABLE action_plans ADD COLUMN previous_plan_id INTEGER REFERENCES action_plans (id);
CREATE UNIQUE INDEX action_plans_one_next ON action_plans (previous_plan_id)
    WHERE previous_plan_id IS NOT NULL;
