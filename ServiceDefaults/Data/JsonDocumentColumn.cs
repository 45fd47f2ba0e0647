using System.Text.Json;
using MenSI.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.ServiceDefaults.Data;

public static class JsonDocumentColumn
{
    /// <summary>
    /// Stores an immutable value (a record tree) as one jsonb document in the platform's JSON. Changes are made by
    /// replacing the value, so reference equality is the change tracking it needs.
    /// </summary>
    public static PropertyBuilder<T> AsJsonDocument<T>(this PropertyBuilder<T> property) where T : class =>
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, ServiceDefaultsExtensions.Json),
            json => JsonSerializer.Deserialize<T>(json, ServiceDefaultsExtensions.Json)!,
            new ValueComparer<T>((a, b) => ReferenceEquals(a, b), v => v.GetHashCode(), v => v));
}
