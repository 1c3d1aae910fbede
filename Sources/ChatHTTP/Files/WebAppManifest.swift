/// The web app manifest (`/manifest.webmanifest`): name, start URL and scope (the server's
/// root, relative so a reverse proxy's sub-path works), `display: standalone`, the light
/// theme's colours (the dark ones are `<meta name="theme-color" media=…>` in `index.html`,
/// which the manifest cannot express), and the icons under `static/img/`.
struct WebAppManifest: Sendable {
    /// The app's name as the system shows it.
    var name: String

    /// Light theme colours, as in `chatt.css`.
    static let themeColor = "#1a62d3"
    static let backgroundColor = "#f7f7f5"

    /// The manifest as JSON.
    var json: String {
        let escapedName = name.unicodeScalars.reduce(into: "") { result, scalar in
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default: if scalar.value >= 0x20 { result.unicodeScalars.append(scalar) }
            }
        }
        return """
            {
              "name": "\(escapedName)",
              "short_name": "\(escapedName)",
              "description": "Self-hosted group chat",
              "id": "./",
              "start_url": "./",
              "scope": "./",
              "display": "standalone",
              "theme_color": "\(Self.themeColor)",
              "background_color": "\(Self.backgroundColor)",
              "icons": [
                {"src": "static/img/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
                {"src": "static/img/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
                {"src": "static/img/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"}
              ]
            }

            """
    }
}
