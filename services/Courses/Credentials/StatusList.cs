using System.IO.Compression;
using Microsoft.AspNetCore.WebUtilities;

namespace MenSI.Courses.Credentials;

/// <summary>
/// W3C Bitstring Status List (revocation): 131,072 bits per list (the size the specification recommends so one
/// credential's bit does not single out its holder), index 0 the left-most bit of the first byte, GZIP-compressed and
/// multibase base64url-encoded (<c>u</c> prefix).
/// </summary>
public static class StatusList
{
    public const int Size = 131_072;

    public static (long List, int Index) Locate(long statusIndex) => (statusIndex / Size + 1, (int)(statusIndex % Size));

    public static string Encode(IEnumerable<int> revokedIndexes)
    {
        var bits = new byte[Size / 8];
        foreach (var index in revokedIndexes) bits[index / 8] |= (byte)(0x80 >> (index % 8));
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bits);
        return "u" + WebEncoders.Base64UrlEncode(compressed.ToArray());
    }

    /// <summary>Whether <paramref name="index"/> is set in an encoded list: what an outside verifier does.</summary>
    public static bool IsSet(string encodedList, int index)
    {
        if (!encodedList.StartsWith('u')) throw new FormatException("A status list is multibase base64url (u…).");
        using var gzip = new GZipStream(new MemoryStream(WebEncoders.Base64UrlDecode(encodedList[1..])), CompressionMode.Decompress);
        using var bits = new MemoryStream();
        gzip.CopyTo(bits);
        return (bits.GetBuffer()[index / 8] & (0x80 >> (index % 8))) != 0;
    }
}
