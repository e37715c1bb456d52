"""Pure decision code: no faust, no river, no database client, no clock."""
