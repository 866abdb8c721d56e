-- Show a feed's article images without "Load images" each time (nothing is fetched otherwise).
ALTER TABLE feeds ADD COLUMN images_always INTEGER NOT NULL DEFAULT 0;
