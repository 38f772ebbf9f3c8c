"""Programme matching, the budgeted intervention plan (MILP) and its schedule."""
