"""Pure rules of the frameworks package: arrangements, lots, questionnaires, applications, memberships."""
