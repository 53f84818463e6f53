-- The fulfilment state moved to the warehouse system. DELIBERATE flaw (see ../README.md): the
-- view order_fulfilment from 0004 still reads the column, so this drop fails (or, with CASCADE,
-- silently drops the view).
ALTER TABLE orders DROP COLUMN fulfilment_state;
