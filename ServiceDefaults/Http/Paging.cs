using Microsoft.EntityFrameworkCore;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// <c>page</c> (from 1) and <c>pageSize</c> (1 to <see cref="MaxPageSize"/>) on every list endpoint. A list has a
/// hard maximum page size so no client can ask a service to materialise a whole table.
/// </summary>
public sealed record PageQuery(int? Page, int? PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public int PageNumber => Page ?? 1;
    public int Size => PageSize ?? DefaultPageSize;
    public int Skip => (PageNumber - 1) * Size;

    /// <summary>For lists with no other parameters to check: the 400 problem to return, or null.</summary>
    public Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Problem()
    {
        var errors = new Dictionary<string, string[]>();
        Validate(errors);
        return errors.Count == 0 ? null : Problems.Validation(errors);
    }

    public void Validate(IDictionary<string, string[]> errors)
    {
        if (PageNumber < 1) errors["page"] = ["Must be 1 or more."];
        if (Size is < 1 or > MaxPageSize) errors["pageSize"] = [$"Must be between 1 and {MaxPageSize}."];
    }
}

/// <summary>
/// One page. <see cref="TotalCount"/> is exact up to <see cref="PagingExtensions.MaxCounted"/>; beyond that it says
/// that many and <see cref="TotalCountCapped"/> is true ("10,000+"), so a broad query over a big table never pays for
/// counting every match.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long TotalCount, bool TotalCountCapped = false)
{
    public long TotalPages => TotalCount == 0 ? 0 : (TotalCount + PageSize - 1) / PageSize;
}

public static class PagingExtensions
{
    public const int MaxCounted = 10_000;

    /// <summary>
    /// Pages a filtered query in the given order, which must be total (end with a unique key) for stable pages. The
    /// count runs on the unordered filter and stops after <see cref="MaxCounted"/> + 1 rows.
    /// </summary>
    public static async Task<Page<TOut>> ToPageAsync<TIn, TOut>(this IQueryable<TIn> filtered, Func<IQueryable<TIn>, IOrderedQueryable<TIn>> order,
        PageQuery page, Func<TIn, TOut> map, CancellationToken cancellationToken)
    {
        var (total, capped) = await filtered.CountCappedAsync(cancellationToken);
        var items = await order(filtered).Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<TOut>(items.Select(map).ToList(), page.PageNumber, page.Size, total, capped);
    }

    /// <summary>The number of rows the filter matches, counting no further than <see cref="MaxCounted"/> + 1.</summary>
    public static async Task<(long Total, bool Capped)> CountCappedAsync<T>(this IQueryable<T> filtered, CancellationToken cancellationToken)
    {
        var counted = await filtered.Take(MaxCounted + 1).LongCountAsync(cancellationToken);
        return (Math.Min(counted, MaxCounted), counted > MaxCounted);
    }
}
