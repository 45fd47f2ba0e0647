using System.Net.Sockets;
using Npgsql;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace MenSI.ServiceDefaults.Messaging;

/// <summary>
/// Tells a failure of the surroundings (a database, broker or cache that is away, slow or busy; a lost serialization
/// race) from a failure of the work itself. The first kind is retried until it succeeds; only the second kind may end
/// in an error queue or a 4xx. Walks the inner exceptions: EF Core and MassTransit wrap the driver's.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return IsTransientSqlState(postgres.SqlState);
                case NpgsqlException npgsql when npgsql.IsTransient:
                case TimeoutException: // also Redis's
                case SocketException:
                case IOException: // also the AMQP client's BrokerUnreachableException
                case AlreadyClosedException:
                case RedisConnectionException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Serialization failure and deadlock (40001, 40P01), the server shutting down or starting (57P01-57P03),
    /// too many connections (53300), and connection exceptions (class 08).
    /// </summary>
    private static bool IsTransientSqlState(string state) =>
        state is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.LockNotAvailable
        || state.StartsWith("08", StringComparison.Ordinal);
}
