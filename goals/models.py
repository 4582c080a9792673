# Goal plans (purpose, objectives, priorities, tactics) arrive with the goals issue.
