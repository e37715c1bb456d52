"""Static assets of the war-room page (the full page comes with issue 8)."""
