// Customer form: the 360 view (issue 3). Placeholder until the 360 area lands.
