-- A card made from an article keeps its link and the item it came from, so opening the link
-- from the card can show the article in the Reader (or the browser when the item is gone).
ALTER TABLE cards ADD COLUMN link TEXT;
ALTER TABLE cards ADD COLUMN item_id INTEGER;
