package dev.imagine.history;

import java.sql.Connection;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.ui.LoggerUIService;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * The history schema, as Liquibase change sets ({@code history/migrations.sql}). Every process that writes or reads
 * the history applies them at start: an empty database gets the whole schema, an older one the missing change sets,
 * and Liquibase's lock table keeps two starting processes from applying one twice. The API also has Dropwizard's
 * {@code db} commands over the same file.
 */
public final class HistoryMigrations {
    public static final String CHANGELOG = "history/migrations.sql";

    private HistoryMigrations() {
    }

    public static void apply(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database)) {
                // Liquibase's summary goes to the log, not to stdout, where `up` and the commands print their own.
                Scope.child(Scope.Attr.ui, new LoggerUIService(),
                        () -> liquibase.update(new Contexts(), new LabelExpression()));
            }
        }
    }
}
