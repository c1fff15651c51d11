package dev.imagine.ops.cli.users;

import dev.imagine.core.account.AccountException;
import dev.imagine.core.account.Plan;
import dev.imagine.ops.cli.CliException;

/** What the users commands share: plan parsing and account errors as one-line CLI errors. */
final class Accounts {
    private Accounts() {
    }

    static Plan plan(String value) {
        try {
            return Plan.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }

    interface Call<T> {
        T run() throws Exception;
    }

    /** Runs an account operation; an {@link AccountException} (unknown user, taken name) exits 2 with its message. */
    static <T> T run(Call<T> call) throws Exception {
        try {
            return call.run();
        } catch (AccountException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }
}
