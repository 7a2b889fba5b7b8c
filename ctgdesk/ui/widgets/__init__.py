"""Small widgets shared by the pages: searchable table, form helpers, cards, bar chart, style."""
