-- The trajectory a coach picks for a participant (an id of flows/trajectories.yml; NULL: free),
-- and the coach's own rating of each picture of a flow's rated loop (e.g. how good she finds
-- the participant at a competence), shown beside the participant's own answer.
ALTER TABLE participants ADD COLUMN trajectory TEXT;

-- One current rating per participant, flow and picture: a new one is written over it.
CREATE TABLE coach_ratings (
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    flow_id TEXT NOT NULL,
    picture TEXT NOT NULL,
    option TEXT NOT NULL,                  -- an option id of the flow's coach_rating choice
    coach_id INTEGER NOT NULL REFERENCES coaches (id),
    rated_at TEXT NOT NULL,
    PRIMARY KEY (participant_id, flow_id, picture)
);
