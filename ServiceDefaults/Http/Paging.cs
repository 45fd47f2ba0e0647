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

    public void Validate(IDictionary<string, string[]> errors)
    {
        if (PageNumber < 1) errors["page"] = ["Must be 1 or more."];
        if (Size is < 1 or > MaxPageSize) errors["pageSize"] = [$"Must be between 1 and {MaxPageSize}."];
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long TotalCount)
{
    public long TotalPages => TotalCount == 0 ? 0 : (TotalCount + PageSize - 1) / PageSize;
}

public static class PagingExtensions
{
    /// <summary>Pages an already ordered query. The order must be total (end with a unique key) for stable pages.</summary>
    public static async Task<Page<TOut>> ToPageAsync<TIn, TOut>(this IOrderedQueryable<TIn> query, PageQuery page,
        Func<TIn, TOut> map, CancellationToken cancellationToken)
    {
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.Skip((page.PageNumber - 1) * page.Size).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<TOut>(items.Select(map).ToList(), page.PageNumber, page.Size, total);
    }
}
