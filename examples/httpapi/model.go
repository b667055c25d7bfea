package main

import (
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

// User owns tasks. Its Tasks are loaded only when a query asks for them
// (SelectIn); a collection nothing loaded is left out of the JSON (omitzero),
// rather than written as an empty list that would say "no tasks".
//
// The types are written as JSON as they are. That takes care: no reply may
// hold a cycle of loaded relationships (a user whose tasks have their Owner
// loaded, which one session's identity map makes easy: tasks queried with
// Joined("Owner"), then their user with SelectIn("Tasks")). orm.Many and
// orm.One marshal what they hold with a json.Marshal of their own, which
// encoding/json's cycle check does not see through, and the encoding recurses
// until the stack overflows. Each handler here loads one direction only.
type User struct {
	ID    int64          `json:"id"`
	Name  string         `json:"name"`
	Tasks orm.Many[Task] `json:"tasks,omitzero"`
}

// Task is a user's task. Version counts its row's updates: the mapping makes it
// the version column, so that an UPDATE based on a stale read writes nothing and
// fails with orm.ErrStaleData.
type Task struct {
	ID      int64         `json:"id"`
	OwnerID int64         `json:"owner_id"`
	Title   string        `json:"title"`
	Done    bool          `json:"done"`
	Version int64         `json:"version"`
	Owner   orm.One[User] `json:"owner,omitzero"`
	Tags    orm.Many[Tag] `json:"tags,omitzero"`
}

// Tag labels tasks, many to many, through the association table task_tags.
type Tag struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// schema is the tables, declared with typed columns so that conditions are
// checked by the compiler (tasks.Done.Eq(false), not tasks.C("done")).
type schema struct {
	md       *expr.MetaData
	users    usersTable
	tasks    tasksTable
	tags     tagsTable
	taskTags *expr.Table
}

type usersTable struct {
	*expr.Table
	ID   expr.Column[int64]
	Name expr.Column[string]
}

type tasksTable struct {
	*expr.Table
	ID, OwnerID, Version expr.Column[int64]
	Title                expr.Column[string]
	Done                 expr.Column[bool]
}

type tagsTable struct {
	*expr.Table
	ID    expr.Column[int64]
	Label expr.Column[string]
}

// Limits of the text columns, which the handlers check before the database does.
const (
	maxName  = 50
	maxTitle = 200
	maxLabel = 30
)

// newSchema declares the tables, their names prefixed with prefix (tests on a
// shared server give each run its own).
func newSchema(prefix string) *schema {
	md := expr.NewMetaData()
	sc := &schema{md: md}

	u := md.NewTable(prefix + "users")
	sc.users = usersTable{Table: u,
		ID:   expr.NewColumn(u, "id", expr.BigInteger, expr.PrimaryKey()),
		Name: expr.NewColumn(u, "name", expr.String(maxName), expr.NotNull(), expr.Unique()),
	}

	t := md.NewTable(prefix + "tasks")
	sc.tasks = tasksTable{Table: t,
		ID:      expr.NewColumn(t, "id", expr.BigInteger, expr.PrimaryKey()),
		OwnerID: expr.NewColumn(t, "owner_id", expr.BigInteger, expr.NotNull(), expr.References(sc.users.ID), expr.Indexed()),
		Title:   expr.NewColumn(t, "title", expr.String(maxTitle), expr.NotNull()),
		Done:    expr.NewColumn(t, "done", expr.Boolean, expr.NotNull()),
		Version: expr.NewColumn(t, "version", expr.BigInteger, expr.NotNull()),
	}

	g := md.NewTable(prefix + "tags")
	sc.tags = tagsTable{Table: g,
		ID:    expr.NewColumn(g, "id", expr.BigInteger, expr.PrimaryKey()),
		Label: expr.NewColumn(g, "label", expr.String(maxLabel), expr.NotNull(), expr.Unique()),
	}

	sc.taskTags = md.NewTable(prefix+"task_tags", expr.PrimaryKeyConstraint("", "task_id", "tag_id"))
	expr.NewColumn(sc.taskTags, "task_id", expr.BigInteger, expr.References(sc.tasks.ID))
	expr.NewColumn(sc.taskTags, "tag_id", expr.BigInteger, expr.References(sc.tags.ID), expr.Indexed())
	return sc
}

// registry maps the types onto the tables. The relationships' directions and
// columns come from the foreign keys: Task.Owner is many-to-one through
// owner_id, User.Tasks one-to-many back through it, Task.Tags many-to-many
// through task_tags.
func (sc *schema) registry() (*orm.Registry, error) {
	reg := orm.NewRegistry()
	for _, err := range []error{
		// Deleting a user deletes its tasks; a task taken out of Tasks is deleted too.
		orm.Map[User](reg, sc.users.Table, orm.Relationship("Tasks", orm.Cascade("all, delete-orphan"))),
		orm.Map[Task](reg, sc.tasks.Table, orm.VersionField("Version"),
			orm.Relationship("Tags", orm.Secondary(sc.taskTags))),
		orm.Map[Tag](reg, sc.tags.Table),
	} {
		if err != nil {
			return nil, err
		}
	}
	// Resolve the relationships now: a mistake shows at start-up, not at the
	// first request.
	if err := reg.Configure(); err != nil {
		return nil, err
	}
	return reg, nil
}
