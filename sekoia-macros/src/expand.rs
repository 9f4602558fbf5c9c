//! Writes the registration code. It names only `::sekoia_runtime::...` paths, so a module
//! crate depends on `sekoia-runtime` alone.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Item;

use crate::attr::{ComponentArgs, ModuleArgs};
use crate::ctxt::Ctxt;
use crate::valid::{self, Kind};

/// `#[module(...)]`
pub(crate) fn module(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = ModuleArgs::parse(args, &mut cx);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => return with_errors(item, e.to_compile_error()),
    };
    let Some(the_struct) = valid::the_struct("module", &parsed, &mut cx) else {
        // an enum still gets the marker, so that the components that name it report nothing more
        let module_impl = match &parsed {
            Item::Enum(e) if e.generics.params.is_empty() => Some(module_impl(&e.ident)),
            _ => None,
        };
        let errors = cx.into_compile_errors().unwrap_or_default();
        return with_errors(item, quote!(#module_impl #errors));
    };
    let spec = valid::module(&args, the_struct, &mut cx);
    let ident = &the_struct.ident;
    let module_impl = module_impl(ident);
    if let Some(errors) = cx.into_compile_errors() {
        // still a module configuration, so that the components and the `AccountValidator` impl
        // that name it report nothing more (unless generic: that impl would be one more error)
        let module_impl = the_struct.generics.params.is_empty().then_some(module_impl);
        return with_errors(item, quote!(#module_impl #errors));
    }
    let valid::ModuleSpec {
        name,
        slug,
        uuid,
        categories,
        description,
    } = spec;
    quote! {
        #item

        const _: () = {
            #module_impl

            fn validator() -> ::core::option::Option<::sekoia_runtime::__private::Start> {
                #[allow(unused_imports)]
                use ::sekoia_runtime::__private::{HasValidator as _, NoValidator as _};
                (&::sekoia_runtime::__private::ValidatorProbe::<#ident>::new()).validator()
            }

            ::sekoia_runtime::__private::inventory::submit! {
                ::sekoia_runtime::__private::descriptor::module::<#ident>(
                    #name,
                    #slug,
                    #uuid,
                    &[#(#categories),*],
                    #description,
                    ::sekoia_runtime::__private::Origin {
                        rust_path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                        location: ::core::concat!(::core::file!(), ":", ::core::line!()),
                    },
                    validator,
                )
            }
        };
    }
}

/// `#[action(...)]`, `#[trigger(...)]`, `#[connector(...)]`
pub(crate) fn component(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = kind.as_str();
    let mut cx = Ctxt::default();
    let args = ComponentArgs::parse(kind, args, &mut cx);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => return with_errors(item, e.to_compile_error()),
    };
    let Some(the_struct) = valid::the_struct(attribute, &parsed, &mut cx) else {
        return with_errors(item, cx.into_compile_errors().unwrap_or_default());
    };
    let spec = valid::component(kind, &args, the_struct, &mut cx);
    if let Some(errors) = cx.into_compile_errors() {
        return with_errors(item, errors);
    }
    registration(attribute, &item, &the_struct.ident, spec, None)
}

/// `#[asset_connector(capability = "...", ...)]`
pub(crate) fn asset_connector(args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute = "asset_connector";
    let mut cx = Ctxt::default();
    let args = ComponentArgs::parse_asset_connector(args, &mut cx);
    let parsed: Item = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(e) => return with_errors(item, e.to_compile_error()),
    };
    let Some(the_struct) = valid::the_struct(attribute, &parsed, &mut cx) else {
        return with_errors(item, cx.into_compile_errors().unwrap_or_default());
    };
    let (spec, capability) = valid::asset_connector(&args, the_struct, &mut cx);
    if let Some(errors) = cx.into_compile_errors() {
        return with_errors(item, errors);
    }
    registration(attribute, &item, &the_struct.ident, spec, Some(capability))
}

/// The item, its `Construct` impl and its descriptor, submitted to the inventory; an asset
/// connector's descriptor also takes its capability.
fn registration(
    attribute: &str,
    item: &TokenStream,
    ident: &syn::Ident,
    spec: valid::ComponentSpec,
    capability: Option<String>,
) -> TokenStream {
    let valid::ComponentSpec {
        name,
        description,
        uuid,
        docker_parameters,
        slug,
        unit,
    } = spec;
    let uuid = option(uuid);
    let slug = option(slug);
    let constructor = if unit {
        quote!(#ident)
    } else {
        quote_spanned!(ident.span()=> <#ident as ::core::default::Default>::default())
    };
    let descriptor_fn = syn::Ident::new(attribute, ident.span());
    let descriptor = quote_spanned! {ident.span()=>
        ::sekoia_runtime::__private::descriptor::#descriptor_fn::<#ident>
    };
    let capability = capability.map(|c| quote!(, #c));
    quote! {
        #item

        const _: () = {
            impl ::sekoia_runtime::__private::Construct for #ident {
                fn construct() -> Self {
                    #constructor
                }
            }

            ::sekoia_runtime::__private::inventory::submit! {
                #descriptor(::sekoia_runtime::__private::Identity {
                    name: #name,
                    description: #description,
                    uuid: #uuid,
                    docker_parameters: #docker_parameters,
                    slug: #slug,
                    origin: ::sekoia_runtime::__private::Origin {
                        rust_path: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                        location: ::core::concat!(::core::file!(), ":", ::core::line!()),
                    },
                } #capability)
            }
        };
    }
}

/// `impl Module`, spanned on the struct's name so that a missing derive points there.
fn module_impl(ident: &syn::Ident) -> TokenStream {
    quote_spanned! {ident.span()=>
        impl ::sekoia_runtime::Module for #ident {}
    }
}

fn option(value: Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// The user's item unchanged, then the errors: the rest of the crate keeps type-checking.
fn with_errors(item: TokenStream, errors: TokenStream) -> TokenStream {
    quote! {
        #item
        #errors
    }
}
