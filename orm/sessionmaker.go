package orm

import (
	"log/slog"
	"reflect"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
)

// Sessionmaker makes Sessions bound to one engine: SQLAlchemy's sessionmaker.
// Make one per engine and share it; it is safe for concurrent use.
type Sessionmaker struct {
	eng            *alchemy.Engine
	reg            *Registry
	tableBinds     map[*expr.Table]*alchemy.Engine
	typeBinds      map[reflect.Type]*alchemy.Engine
	txOpts         []alchemy.TxOption
	logger         *slog.Logger
	autoflush      bool
	expireOnCommit bool
}

// Option configures NewSessionmaker.
type Option func(*Sessionmaker)

// WithRegistry gives the sessions the mappings of reg (Map). Without it a
// session runs statements only.
func WithRegistry(reg *Registry) Option { return func(sm *Sessionmaker) { sm.reg = reg } }

// BindTable runs the statements about table on eng instead of the
// Sessionmaker's engine: a vertical split, SQLAlchemy's binds={table: engine}.
func BindTable(table *expr.Table, eng *alchemy.Engine) Option {
	return func(sm *Sessionmaker) { sm.tableBinds[table] = eng }
}

// BindMapped runs the statements about the mapped type T on eng:
// SQLAlchemy's binds={User: engine}. It takes precedence over BindTable.
func BindMapped[T any](eng *alchemy.Engine) Option {
	return func(sm *Sessionmaker) { sm.typeBinds[reflect.TypeFor[T]()] = eng }
}

// Autoflush sets whether a session flushes its changes before each query, so
// that the query sees them (default true).
func Autoflush(on bool) Option { return func(sm *Sessionmaker) { sm.autoflush = on } }

// ExpireOnCommit sets whether Commit expires every object of the session
// (default true), so that the next query or Get reads it again rather than
// trusting values other transactions may have changed since.
func ExpireOnCommit(on bool) Option { return func(sm *Sessionmaker) { sm.expireOnCommit = on } }

// TxOptions sets the options of the transactions sessions begin (isolation
// level, read only).
func TxOptions(opts ...alchemy.TxOption) Option {
	return func(sm *Sessionmaker) { sm.txOpts = append(sm.txOpts, opts...) }
}

// Logger sets where Middleware logs a failed commit or rollback (default
// slog.Default()).
func Logger(l *slog.Logger) Option {
	return func(sm *Sessionmaker) { sm.logger = l }
}

// NewSessionmaker returns a Sessionmaker whose sessions run on eng.
func NewSessionmaker(eng *alchemy.Engine, opts ...Option) *Sessionmaker {
	sm := &Sessionmaker{eng: eng, autoflush: true, expireOnCommit: true,
		tableBinds: map[*expr.Table]*alchemy.Engine{}, typeBinds: map[reflect.Type]*alchemy.Engine{}}
	for _, o := range opts {
		o(sm)
	}
	if sm.logger == nil {
		sm.logger = slog.Default()
	}
	if sm.reg == nil {
		sm.reg = NewRegistry()
	}
	return sm
}

// New returns a new Session. It holds no connection until first used.
func (sm *Sessionmaker) New() *Session {
	s := &Session{sm: sm}
	s.uow.init(s)
	return s
}

// GetBind returns the engine the Sessionmaker's sessions run on, when no bind
// of a table or type says otherwise.
func (sm *Sessionmaker) GetBind() *alchemy.Engine { return sm.eng }

// bindFor returns the engine for a target (Session.GetBind).
func (sm *Sessionmaker) bindFor(target any) *alchemy.Engine {
	switch t := target.(type) {
	case nil:
		return sm.eng
	case *expr.Table:
		return sm.bindForTable(t)
	case *mapper:
		return sm.bindForMapper(t)
	}
	if m, err := sm.reg.mapperOf(typeOf(target)); err == nil {
		return sm.bindForMapper(m)
	}
	return sm.eng
}

func (sm *Sessionmaker) bindForMapper(m *mapper) *alchemy.Engine {
	if e, ok := sm.typeBinds[m.typ]; ok {
		return e
	}
	return sm.bindForTable(m.table)
}

func (sm *Sessionmaker) bindForTable(t *expr.Table) *alchemy.Engine {
	if e, ok := sm.tableBinds[t]; ok {
		return e
	}
	return sm.eng
}
