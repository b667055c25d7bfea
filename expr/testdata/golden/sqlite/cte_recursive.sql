-- sqlite 3.45.1
WITH RECURSIVE subtree(id, parent_id, label) AS (SELECT id, parent_id, label FROM tree WHERE parent_id IS NULL UNION ALL SELECT tree.id, tree.parent_id, tree.label FROM tree JOIN subtree ON tree.parent_id = subtree.id) SELECT id, label FROM subtree ORDER BY id
-- returns rows: true ["id" "label"]
-- args: 0
