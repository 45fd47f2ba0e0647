using System.Net.Mail;

namespace MenSI.ServiceDefaults;

/// <summary>One definition of a valid email address across the platform (users, contact persons).</summary>
public static class EmailAddresses
{
    public const int MaxLength = 254;

    /// <summary>A single address, nothing around it (no display name, no list), at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsValid(string address) =>
        address.Length <= MaxLength && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address;
}
