using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MenSI.ServiceDefaults.Data;

public static class RawSql
{
    /// <summary>
    /// Runs <paramref name="work"/> on the context's own connection (opened if EF had not, closed again after), for the
    /// few queries written by hand because their plan is the feature; inside an open transaction, it takes part in it.
    /// </summary>
    public static async Task<T> WithConnectionAsync<T>(this DbContext db, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            return await work(connection);
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }
}
