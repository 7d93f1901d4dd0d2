"""Public and giver pages: things, explore, profiles, the giver's dashboard."""
