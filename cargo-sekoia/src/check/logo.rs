//! The module logo: Sekoia's `LogoValidator`. A `logo.svg` passes as it is; otherwise
//! `logo.png` must be a PNG, square, of at most 50 KiB.

use imagesize::ImageType;

use super::module::Module;

/// The heaviest logo Sekoia accepts, in bytes.
pub const MAX_BYTES: u64 = 50 * 1024;

const FILE: &str = "logo.png";

/// Checks the logo.
pub fn check(module: &mut Module) {
    if module.path("logo.svg").is_file() {
        return;
    }
    let path = module.path(FILE);
    if !path.is_file() {
        module.problem(FILE, "Logo is missing");
        return;
    }
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            module.problem(FILE, format!("Logo cannot be read: {error}"));
            return;
        }
    };
    // PIL opens any image format; an image that is not one at all is not a PNG either
    let Ok(size) = imagesize::blob_size(&bytes) else {
        module.problem(FILE, "Logo is not in PNG format");
        return;
    };
    if !matches!(imagesize::image_type(&bytes), Ok(ImageType::Png)) {
        module.problem(FILE, "Logo is not in PNG format");
    }
    if size.width != size.height {
        module.fixable(
            FILE,
            format!("Logo is not square - {}x{}px", size.width, size.height),
            "Resize canvas",
        );
    }
    if bytes.len() as u64 > MAX_BYTES {
        module.fixable(FILE, "Logo file weights more than 50 KiB", "Lighten image");
    }
}
