-- Kanban board, cards, pomodoro time log and the persisted timer (owned by focus/ and store/focus*.rs).
SELECT 1;
