package dev.berth.daemon.network;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.network.ipam.IpamException;

/**
 * Calls into the IPAM with its failures turned into the API's: an overlapping pool is 403 as in
 * dockerd ({@code invalid pool request: Pool overlaps with other one on this address space}),
 * an address in use 409, a bad range or gateway 400, a full network 503.
 */
final class IpamCalls {
    private IpamCalls() {}

    interface Call<T> {
        T run() throws IpamException;
    }

    interface Step {
        void run() throws IpamException;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (IpamException e) {
            throw translate(e);
        }
    }

    static void run(Step s) {
        call(() -> {
            s.run();
            return null;
        });
    }

    static ApiException translate(IpamException e) {
        ErrorKind kind = switch (e.kind()) {
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case CONFLICT -> e.getMessage().contains("overlaps") ? ErrorKind.PERMISSION_DENIED : ErrorKind.CONFLICT;
            case INVALID_ARGUMENT -> ErrorKind.INVALID_ARGUMENT;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
            case INTERNAL -> ErrorKind.INTERNAL;
        };
        return new ApiException(kind, e.getMessage(), e);
    }
}
