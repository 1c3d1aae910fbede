print("chatt-push")
